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
// program's own, and the leak alert must fire on the map that leaks at a
// steady rate and never on the bounded cache that fills and then stays
// full. The rules are the shipped ones with every duration divided by 60
// (testRules), so that the test takes about a minute instead of an hour.
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
	// The shipped rules, at their real time scales.
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
	ruleFile := filepath.Join(tmp, "rules.yml")
	if err := os.WriteFile(ruleFile, append(testRules(t, rules), controlRule...), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", ruleFile).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules on the scaled copy: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	// In scaled time: sessions leak 1,000 a second from the start; the
	// bounded cache "recent" is empty for 35 s (35 minutes), fills in 5 s
	// and then stays at 200,000 entries while pages churn through it.
	const recentCap = 200000
	demoAddr := startDemo(t, ctx, demo, "-interval", "500ms",
		"-leak", "10000000", "-per-tick", "100", "-tick", "100ms",
		"-recent-cap", strconv.Itoa(recentCap), "-recent-after", "35s", "-recent-fill", "5s", "-recent-churn", "2000")
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
	start := time.Now()

	// Watch the alerts until the leak pages, the control rule has fired on
	// the bounded cache, and the cache has been full for 20 s (20 minutes
	// scaled: the leak rule would have fired by then).
	var leakFired, controlFired, recentFull time.Duration
	waitFor(t, ctx, "the leak alert on sessions, and the bounded cache full for 20s", func() (bool, string) {
		var state struct{ Recent int }
		if err := getJSON("http://"+demoAddr+"/state", &state); err != nil {
			return false, err.Error()
		}
		if state.Recent == recentCap && recentFull == 0 {
			recentFull = time.Since(start)
		}
		alerts, err := getAlerts(api)
		if err != nil {
			return false, err.Error()
		}
		var seen []string
		for _, a := range alerts {
			seen = append(seen, a.Labels["alertname"]+"/"+a.Labels["map"]+"/"+a.State)
			switch {
			case a.State != "firing":
			case a.Labels["alertname"] == "MapscopeMapLeaking" && a.Labels["map"] == "sessions":
				if leakFired == 0 {
					leakFired = time.Since(start)
				}
			case a.Labels["alertname"] == "MapscopeMapLeaking":
				t.Errorf("leak alert on a map that does not leak, after %s: %v", time.Since(start).Round(time.Second), a.Labels)
			case a.Labels["alertname"] == "ControlDerivRule" && a.Labels["map"] == "recent":
				if controlFired == 0 {
					controlFired = time.Since(start)
				}
			}
		}
		done := leakFired > 0 && controlFired > 0 && recentFull > 0 && time.Since(start) > recentFull+20*time.Second
		return done, fmt.Sprint(seen)
	})
	t.Logf("sessions leak alert fired after %s; the bounded cache was full after %s and quiet for 20s since; the deriv rule this replaced fired on it after %s",
		leakFired.Round(time.Second), recentFull.Round(time.Second), controlFired.Round(time.Second))

	// Prometheus holds the program's own numbers.
	var before, after struct {
		Sessions, Recent, Cache, Tokens int
		CachePeak                       int   `json:"cache_peak"`
		Config                          int   `json:"config"`
		ConfigBytes                     int64 `json:"config_bytes"`
	}
	if err := getJSON("http://"+demoAddr+"/state", &before); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		`mapscope_map_entries{map="recent"}`:             recentCap,
		`mapscope_map_entries{map="cache"}`:              float64(before.Cache),
		`mapscope_map_peak_entries{map="cache"}`:         float64(before.CachePeak),
		`mapscope_map_entries{map="config"}`:             float64(before.Config),
		`mapscope_map_bytes{map="config"}`:               float64(before.ConfigBytes),
		`mapscope_map_entries{map="tokens"}`:             float64(before.Tokens),
		`mapscope_map_read_errors_total{map="sessions"}`: 0,
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
	sessions, err := queryValues(api, `mapscope_map_entries{map="sessions"}`)
	if err := getJSON("http://"+demoAddr+"/state", &after); err != nil {
		t.Fatal(err)
	}
	if err != nil || len(sessions) != 1 || sessions[0] < float64(before.Sessions)-5000 || sessions[0] > float64(after.Sessions) {
		t.Errorf("sessions in Prometheus = %v (err %v), the program had %d then %d", sessions, err, before.Sessions, after.Sessions)
	}
	// The cache kept the tables of its peak: most of it is reclaimable.
	ratio, err := queryValues(api, `mapscope:map_reclaimable:ratio{map="cache"}`)
	if err != nil || len(ratio) != 1 || ratio[0] < 0.9 {
		t.Errorf("reclaimable ratio of the emptied cache = %v (err %v), want > 0.9", ratio, err)
	}
	// A sync.Map has bytes where mapstats reads it, and no capacity.
	if n, err := queryValues(api, `mapscope_map_capacity_slots{map="tokens"}`); err != nil || len(n) != 0 {
		t.Errorf("capacity of the sync.Map: %v (err %v), want no series", n, err)
	}
	// Site series name functions; the info series carries the line.
	waitFor(t, ctx, "the site of the session leak, with its line", func() (bool, string) {
		got, err := queryValues(api, `mapscope_map_site_inuse_bytes{site="main.(*service).login"} * on (site, kind) group_left (file, line) mapscope_map_site_info{file="main.go"}`)
		return err == nil && len(got) > 0, fmt.Sprint(got, err)
	})

	checkDashboardQueries(t, api)
}

// testRules returns the shipped rules with every duration of their
// expressions and for: clauses divided by 60: a range of [5m] becomes
// [5s], offset 2h becomes offset 120s, for: 10m becomes for: 10s. With
// one-second scrapes and evaluations, one minute of the shipped rules is
// one second of the test.
func testRules(t *testing.T, rules []byte) []byte {
	t.Helper()
	durRE := regexp.MustCompile(`(\[|offset\s+|for:\s*)(\d+)([smhd])\b`)
	unit := map[string]int{"s": 1, "m": 60, "h": 3600, "d": 86400}
	n := 0
	out := durRE.ReplaceAllFunc(rules, func(m []byte) []byte {
		sub := durRE.FindSubmatch(m)
		v, _ := strconv.Atoi(string(sub[2]))
		secs := v * unit[string(sub[3])]
		if secs%60 != 0 {
			t.Fatalf("rules.yml: %s is not a whole number of minutes: cannot scale it", m)
		}
		n++
		return fmt.Appendf(nil, "%s%ds", sub[1], secs/60)
	})
	if n < 20 {
		t.Fatalf("scaled %d durations in rules.yml, want every range, offset and for: of the alerts", n)
	}
	if left := regexp.MustCompile(`\[\d+[mhd]\]|offset\s+\d+[mhd]|for:\s*\d+[mhd]`).Find(out); left != nil {
		t.Fatalf("unscaled duration %q left in the test rules", left)
	}
	return out
}

// controlRule is the leak rule that deploy/ shipped before (issue 10),
// scaled the same way and on entries alone: it fires on a cache that
// filled and went flat, so the test shows its scenario is the one the new
// rule gets right.
var controlRule = []byte(`
  - name: test-control
    rules:
      - alert: ControlDerivRule
        expr: mapscope_map_bytes > 16 * 1024 * 1024 and deriv(mapscope_map_entries[30s]) > 0
        for: 10s
`)

type alert struct {
	Labels map[string]string `json:"labels"`
	State  string            `json:"state"`
}

func getAlerts(api string) ([]alert, error) {
	var resp struct {
		Data struct {
			Alerts []alert `json:"alerts"`
		} `json:"data"`
	}
	err := getJSON(api+"/api/v1/alerts", &resp)
	return resp.Data.Alerts, err
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

func startDemo(t *testing.T, ctx context.Context, bin string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
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
