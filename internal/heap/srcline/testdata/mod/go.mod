module example.com/svc

go 1.23

require gopkg.in/yaml.v3 v3.0.1

replace gopkg.in/yaml.v3 => ./third_party/yaml
