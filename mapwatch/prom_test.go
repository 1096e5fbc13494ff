package mapwatch

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// TestRealPrometheus runs Debian's prometheus against the demo program:
// the rules from deploy/ must load, the scraped values must be the
// program's own, and the leak alert must fire on the leaking map.
func TestRealPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts prometheus and a demo service")
	}
	promtool := testenv.NeedTool(t, "promtool", "install Debian's prometheus package")
	prometheusBin := testenv.NeedTool(t, "prometheus", "install Debian's prometheus package")
	goTool := testenv.GoCommand(t)
	rulesDir, err := filepath.Abs(filepath.Join("..", "deploy", "prometheus"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := os.ReadFile(filepath.Join(rulesDir, "rules.yml"))
	if err != nil {
		t.Fatalf("reading the rules of deploy/: %v", err)
	}

	for _, args := range [][]string{{"check", "rules", "rules.yml"}, {"test", "rules", "rules_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = rulesDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	tmp := t.TempDir()
	demo := filepath.Join(tmp, "mapwatchdemo")
	if out, err := exec.Command(goTool, "build", "-o", demo, "./example/mapwatchdemo").CombinedOutput(); err != nil {
		t.Fatalf("building the demo: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()
	demoAddr := startDemo(t, ctx, demo)

	// The test copy of the rules keeps every expression and shortens the
	// for: durations, so the alert fires within seconds, not minutes.
	forRE := regexp.MustCompile(`(?m)^(\s+for:\s*)\S+$`)
	if n := len(forRE.FindAll(rules, -1)); n < 2 {
		t.Fatalf("found %d for: clauses in rules.yml, want the two alerts'", n)
	}
	testRules := forRE.ReplaceAll(rules, []byte("${1}3s"))
	ruleFile := filepath.Join(tmp, "rules.yml")
	if err := os.WriteFile(ruleFile, testRules, 0o644); err != nil {
		t.Fatal(err)
	}
	promAddr := freeAddr(t)
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: mapwatchdemo
    static_configs:
      - targets: [%q]
`, ruleFile, demoAddr)
	configFile := filepath.Join(tmp, "prometheus.yml")
	if err := os.WriteFile(configFile, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	prom := exec.CommandContext(ctx, prometheusBin,
		"--config.file="+configFile,
		"--storage.tsdb.path="+filepath.Join(tmp, "tsdb"),
		"--web.listen-address="+promAddr)
	promLog, err := os.Create(filepath.Join(tmp, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	prom.Stdout, prom.Stderr = promLog, promLog
	if err := prom.Start(); err != nil {
		t.Fatalf("starting prometheus: %v", err)
	}
	t.Cleanup(func() {
		prom.Process.Kill()
		prom.Wait()
		promLog.Close()
		if t.Failed() {
			log, _ := os.ReadFile(promLog.Name())
			t.Logf("prometheus log:\n%s", tail(string(log), 3000))
		}
	})
	api := "http://" + promAddr

	// Prometheus first sees the sessions map flat, then the test makes it
	// leak in steps; at the end Prometheus must hold exactly the program's
	// own numbers.
	var state struct {
		Sessions    int   `json:"sessions"`
		Cache       int   `json:"cache"`
		CachePeak   int   `json:"cache_peak"`
		Config      int   `json:"config"`
		ConfigBytes int64 `json:"config_bytes"`
	}
	if err := getJSON("http://"+demoAddr+"/state", &state); err != nil {
		t.Fatal(err)
	}
	before := state.Sessions
	waitFor(t, ctx, "a first scrape of the sessions map", func() (bool, string) {
		got, err := queryValues(api, `mapscope_map_entries{map="sessions"}`)
		return err == nil && len(got) == 1 && got[0] == float64(before), fmt.Sprint(got, err)
	})
	time.Sleep(2 * time.Second) // a few flat samples
	for i := 0; i < 8; i++ {
		var leaked struct{ Sessions int }
		if err := getJSON("http://"+demoAddr+"/leak?n=2500", &leaked); err != nil {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond)
	}
	if err := getJSON("http://"+demoAddr+"/state", &state); err != nil {
		t.Fatal(err)
	}
	if state.Sessions != before+8*2500 {
		t.Fatalf("demo reports %d sessions after leaking 20000 more than %d", state.Sessions, before)
	}
	want := map[string]float64{
		`mapscope_map_entries{map="sessions"}`:     float64(state.Sessions),
		`mapscope_map_entries{map="cache"}`:        float64(state.Cache),
		`mapscope_map_peak_entries{map="cache"}`:   float64(state.CachePeak),
		`mapscope_map_entries{map="config"}`:       float64(state.Config),
		`mapscope_map_bytes{map="config"}`:         float64(state.ConfigBytes),
		`mapscope_map_read_errors{map="sessions"}`: 0,
	}
	for q, v := range want {
		waitFor(t, ctx, q+" = "+strconv.FormatFloat(v, 'f', -1, 64), func() (bool, string) {
			got, err := queryValues(api, q)
			if err != nil {
				return false, err.Error()
			}
			return len(got) == 1 && got[0] == v, fmt.Sprint(got)
		})
	}
	// The cache kept the tables of its peak: most of it is reclaimable.
	ratio, err := queryValues(api, `mapscope:map_reclaimable:ratio{map="cache"}`)
	if err != nil || len(ratio) != 1 || ratio[0] < 0.9 {
		t.Errorf("reclaimable ratio of the emptied cache = %v (err %v), want > 0.9", ratio, err)
	}
	waitFor(t, ctx, "a map allocation site series", func() (bool, string) {
		got, err := queryValues(api, `mapscope_map_site_inuse_bytes`)
		return err == nil && len(got) > 0, fmt.Sprint(got, err)
	})

	waitFor(t, ctx, "MapscopeMapLeaking to fire on map sessions", func() (bool, string) {
		var resp struct {
			Data struct {
				Alerts []struct {
					Labels map[string]string `json:"labels"`
					State  string            `json:"state"`
				} `json:"alerts"`
			} `json:"data"`
		}
		if err := getJSON(api+"/api/v1/alerts", &resp); err != nil {
			return false, err.Error()
		}
		var seen []string
		for _, a := range resp.Data.Alerts {
			seen = append(seen, a.Labels["alertname"]+"/"+a.Labels["map"]+"/"+a.State)
			if a.Labels["alertname"] == "MapscopeMapLeaking" && a.Labels["map"] != "sessions" {
				t.Errorf("leak alert on a map that does not leak: %v", a.Labels)
			}
		}
		for _, a := range resp.Data.Alerts {
			if a.Labels["alertname"] == "MapscopeMapLeaking" && a.Labels["map"] == "sessions" && a.State == "firing" {
				return true, ""
			}
		}
		return false, fmt.Sprint(seen)
	})

	checkDashboardQueries(t, api)
}

// checkDashboardQueries runs every query of the Grafana dashboard against
// the real Prometheus, with the template variables set to match all.
func checkDashboardQueries(t *testing.T, api string) {
	data, err := os.ReadFile(filepath.Join("..", "deploy", "grafana", "mapscope.json"))
	if err != nil {
		t.Fatalf("reading the dashboard: %v", err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("dashboard is not valid JSON: %v", err)
	}
	vars := strings.NewReplacer("$job", ".*", "$instance", ".*", "$map", ".*", "$__rate_interval", "1m")
	n := 0
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			n++
			got, err := queryValues(api, vars.Replace(target.Expr))
			if err != nil {
				t.Errorf("panel %q: %v", p.Title, err)
			} else if len(got) == 0 {
				t.Errorf("panel %q: query %s returns no series", p.Title, target.Expr)
			}
		}
	}
	if n < 8 {
		t.Errorf("dashboard has %d queries, want one per metric", n)
	}
}

func startDemo(t *testing.T, ctx context.Context, bin string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0", "-interval", "500ms", "-leak", "0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the demo: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the demo's address: %v", err)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on http://")
	if !ok {
		t.Fatalf("demo printed %q, want its address", line)
	}
	go io.Copy(io.Discard, stdout)
	return addr
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func waitFor(t *testing.T, ctx context.Context, what string, cond func() (bool, string)) {
	t.Helper()
	last := ""
	for {
		ok, detail := cond()
		if ok {
			return
		}
		last = detail
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s; last seen: %s", what, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func getJSON(u string, v any) error {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", u, resp.Status, body)
	}
	return json.Unmarshal(body, v)
}

// queryValues runs an instant query and returns the sample values.
func queryValues(api, q string) ([]float64, error) {
	var resp struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := getJSON(api+"/api/v1/query?query="+url.QueryEscape(q), &resp); err != nil {
		return nil, err
	}
	if resp.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", q, resp.Error)
	}
	var out []float64
	for _, r := range resp.Data.Result {
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("query %s: value %v: %w", q, r.Value[1], err)
		}
		out = append(out, v)
	}
	return out, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
