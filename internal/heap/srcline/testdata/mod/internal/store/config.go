package store

import (
	"io"

	"gopkg.in/yaml.v3"
)

// Config is decoded from YAML.
type Config struct {
	Limits map[string]int
	Name   string
}

func LoadConfig(data []byte, r io.Reader) (*Config, map[string]Config, error) {
	cfg := &Config{}                                  // want: alloc "&Config{}" "*Config"
	if err := yaml.Unmarshal(data, cfg); err != nil { // want: mapdecode "cfg" "Config" callee "gopkg.in/yaml.v3.Unmarshal"
		return nil, nil, err
	}
	var all map[string]Config
	err := yaml.NewDecoder(r).Decode(&all) // want: call "yaml.NewDecoder(r)" "" callee "gopkg.in/yaml.v3.NewDecoder"; mapdecode "all" "map[string]Config" callee "gopkg.in/yaml.v3.(*Decoder).Decode"
	var name string
	_ = yaml.Unmarshal(data, &name) // want: call "yaml.Unmarshal(data, &name)" "" callee "gopkg.in/yaml.v3.Unmarshal"
	return cfg, all, err
}
