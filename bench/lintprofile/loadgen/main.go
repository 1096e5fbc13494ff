// Command loadgen puts a running Alertmanager under the load a small
// production setup gives it, so that a CPU profile taken meanwhile shows
// where its map code spends time (bench/lint-profile.sh takes that profile).
//
// It plays three parts at once:
//
//   - Prometheus: every -post-every it posts all -alerts alerts to
//     POST /api/v2/alerts in batches of -batch. Re-posting keeps them
//     firing, as Prometheus does at each evaluation; each round a rotating
//     -resolve share is posted with endsAt set (resolved) and fires again
//     the next round, so notification groups keep changing.
//   - a dashboard: GET /api/v2/alerts/groups and GET /api/v2/alerts, in a
//     loop, as a Grafana panel or the Alertmanager UI would poll them;
//   - a CLI user: GET /api/v2/alerts with filter=... label matchers, as
//     amtool alert query sends them.
//
// It also serves the webhook receiver Alertmanager notifies (-webhook),
// and counts the notifications, so the run shows that the notification
// path (dedup against the notification log) was exercised too.
//
//	loadgen -url http://127.0.0.1:9093 -webhook 127.0.0.1:9094 -duration 60s
//	loadgen -free-ports 2   # print two free loopback ports, for the script
//
// Standard library only.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Label names in the order they are given to an alert; -labels N takes the
// first N (and invents more past the end). These are the labels a
// Kubernetes alert from kube-prometheus typically carries.
var labelNames = []string{
	"alertname", "instance", "job", "severity", "team", "cluster",
	"namespace", "pod", "container", "service", "region", "env",
}

var (
	alertnames = []string{
		"KubePodCrashLooping", "KubePodNotReady", "KubeContainerWaiting",
		"NodeFilesystemSpaceFillingUp", "NodeMemoryHighUtilization",
		"HighRequestLatency", "HighErrorRate", "TargetDown",
		"CPUThrottlingHigh", "KubeDeploymentReplicasMismatch",
	}
	severities = []string{"critical", "warning", "warning", "info"}
	teams      = []string{"payments", "search", "platform", "storage", "identity", "frontend"}
	clusters   = []string{"eu-west-1", "eu-central-1", "us-east-1", "ap-south-1"}
	regions    = []string{"eu", "eu", "us", "ap"} // follows cluster
	envs       = []string{"prod", "prod", "staging"}
)

// labelValue gives alert i its value for label number n. Values are
// deterministic so that every round posts the same alerts (the same
// fingerprints), as a Prometheus rule does between evaluations.
func labelValue(i, n int) string {
	c := (i / len(alertnames)) % len(clusters)
	switch labelNames[n%len(labelNames)] {
	case "alertname":
		if n >= len(labelNames) {
			break
		}
		return alertnames[i%len(alertnames)]
	case "instance":
		return fmt.Sprintf("10.%d.%d.%d:9100", c, i/256%256, i%256)
	case "job":
		return fmt.Sprintf("job-%d", i%17)
	case "severity":
		return severities[i%len(severities)]
	case "team":
		return teams[i%len(teams)]
	case "cluster":
		return clusters[c]
	case "namespace":
		return fmt.Sprintf("ns-%d", i%23)
	case "pod":
		return fmt.Sprintf("app-%d-%05x", i%41, i*2654435761%(1<<20))
	case "container":
		return fmt.Sprintf("container-%d", i%7)
	case "service":
		return fmt.Sprintf("svc-%d", i%31)
	case "region":
		return regions[c]
	case "env":
		return envs[i%len(envs)]
	}
	return fmt.Sprintf("value-%d-%d", n, i%13)
}

// alertLabels returns the label set of alert i with n labels.
func alertLabels(i, n int) map[string]string {
	ls := make(map[string]string, n)
	for k := 0; k < n; k++ {
		name := labelNames[k%len(labelNames)]
		if k >= len(labelNames) {
			name = fmt.Sprintf("extra_%d", k)
		}
		ls[name] = labelValue(i, k)
	}
	return ls
}

// postableAlert is the body element of POST /api/v2/alerts.
type postableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       *time.Time        `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

type counters struct {
	posted, postReqs           atomic.Int64 // alerts posted, POST requests
	resolvedPosted             atomic.Int64
	groupGets, alertGets       atomic.Int64
	filterGets                 atomic.Int64
	errors                     atomic.Int64
	notifications              atomic.Int64 // webhook requests received
	notifiedFiring, notifiedOK atomic.Int64 // alerts in them, by status
}

var stats counters

// epoch is when loadgen started; alert start times are derived from it.
var epoch = time.Now().UTC()

func main() {
	amURL := flag.String("url", "http://127.0.0.1:9093", "Alertmanager base `URL`")
	webhook := flag.String("webhook", "127.0.0.1:9094", "`address` to serve the webhook receiver on (the one alertmanager.yml names)")
	duration := flag.Duration("duration", 60*time.Second, "how long to run the load")
	nAlerts := flag.Int("alerts", 3000, "number of distinct alerts")
	nLabels := flag.Int("labels", 12, "labels per alert")
	batch := flag.Int("batch", 200, "alerts per POST request")
	postEvery := flag.Duration("post-every", 5*time.Second, "how often all alerts are re-posted (the rule evaluation interval)")
	resolve := flag.Float64("resolve", 0.1, "share of alerts resolved in each round (they fire again the next round)")
	queryEvery := flag.Duration("query-every", 250*time.Millisecond, "pause between a dashboard's or CLI user's requests")
	freePorts := flag.Int("free-ports", 0, "print `N` free loopback ports, one a line, and exit")
	flag.Parse()

	if *freePorts > 0 {
		printFreePorts(*freePorts)
		return
	}
	base := strings.TrimRight(*amURL, "/")

	// The receiver listens before anything is posted, so that no
	// notification is lost to a refused connection.
	ln, err := net.Listen("tcp", *webhook)
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(ln, http.HandlerFunc(receive))

	if err := waitReady(base, 30*time.Second); err != nil {
		log.Fatal(err)
	}

	client := &http.Client{Timeout: 30 * time.Second}
	start := time.Now()
	deadline := start.Add(*duration)
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				f()
			}
		}()
	}

	// Prometheus: one round of posts, then wait for the next evaluation.
	round := 0
	run(func() {
		t := time.Now()
		postRound(client, base, round, *nAlerts, *nLabels, *batch, *resolve)
		round++
		sleepUntil(t.Add(*postEvery), deadline)
	})

	// The dashboard polls the groups view and the full alert list.
	run(func() {
		get(client, base+"/api/v2/alerts/groups?active=true&silenced=false&inhibited=false", &stats.groupGets)
		time.Sleep(*queryEvery)
		get(client, base+"/api/v2/alerts?active=true", &stats.alertGets)
		time.Sleep(*queryEvery)
	})

	// The CLI user asks for alerts by matchers: every alert is matched
	// against them (the filter has to look at each alert's labels).
	queries := [][]string{
		{`severity="critical"`},
		{`cluster=~"eu-.*"`, `severity!="info"`},
		{`alertname="KubePodCrashLooping"`, `namespace=~"ns-1.*"`},
		{`team="payments"`, `env="prod"`},
		{`job!~"job-1.*"`},
	}
	q := 0
	run(func() {
		v := url.Values{"filter": queries[q%len(queries)]}
		q++
		get(client, base+"/api/v2/alerts?"+v.Encode(), &stats.filterGets)
		time.Sleep(*queryEvery)
	})

	wg.Wait()
	// Let notifications already flushed arrive before counting them.
	time.Sleep(500 * time.Millisecond)
	elapsed := time.Since(start).Round(time.Millisecond)

	fmt.Printf("loadgen: ran %v against %s\n", elapsed, base)
	fmt.Printf("  alerts posted: %d (%d resolved) in %d POST requests, %d rounds of %d alerts x %d labels\n",
		stats.posted.Load(), stats.resolvedPosted.Load(), stats.postReqs.Load(), round, *nAlerts, *nLabels)
	fmt.Printf("  GET /api/v2/alerts/groups: %d, GET /api/v2/alerts: %d, GET /api/v2/alerts?filter=...: %d\n",
		stats.groupGets.Load(), stats.alertGets.Load(), stats.filterGets.Load())
	fmt.Printf("  request errors: %d\n", stats.errors.Load())
	fmt.Printf("  webhook notifications received: %d (alerts in them: %d firing, %d resolved)\n",
		stats.notifications.Load(), stats.notifiedFiring.Load(), stats.notifiedOK.Load())
}

// postRound posts every alert once. Alert i is resolved in this round when
// it falls in the round's window of the resolve share; the window moves on
// each round, so a resolved alert fires again (with a new startsAt) next time.
func postRound(client *http.Client, base string, round, n, nLabels, batch int, resolve float64) {
	now := time.Now().UTC()
	window := int(float64(n) * resolve)
	lo := (round * window) % max(n, 1)
	var alerts []postableAlert
	for i := 0; i < n; i++ {
		a := postableAlert{
			Labels: alertLabels(i, nLabels),
			Annotations: map[string]string{
				"summary":     fmt.Sprintf("alert %d is firing", i),
				"runbook_url": "https://runbooks.example.com/" + alertnames[i%len(alertnames)],
			},
			// Prometheus sends the same startsAt for as long as a rule
			// stays active: a constant start per alert.
			StartsAt:     epoch.Add(-time.Duration(i%600) * time.Second),
			GeneratorURL: "http://prometheus.example.com/graph",
		}
		if window > 0 && (i-lo+n)%n < window {
			a.EndsAt = &now
			stats.resolvedPosted.Add(1)
		}
		alerts = append(alerts, a)
		if len(alerts) == batch || i == n-1 {
			post(client, base+"/api/v2/alerts", alerts)
			alerts = alerts[:0]
		}
	}
}

func post(client *http.Client, u string, alerts []postableAlert) {
	body, err := json.Marshal(alerts)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Post(u, "application/json", bytes.NewReader(body))
	stats.postReqs.Add(1)
	if !ok(resp, err) {
		return
	}
	stats.posted.Add(int64(len(alerts)))
}

func get(client *http.Client, u string, n *atomic.Int64) {
	resp, err := client.Get(u)
	n.Add(1)
	ok(resp, err)
}

// ok drains and closes a response (so the connection is reused) and
// counts and logs the failures; the first few are enough to see a problem.
func ok(resp *http.Response, err error) bool {
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			return true
		}
		err = fmt.Errorf("%s: %s", resp.Request.URL.Path, resp.Status)
	}
	if stats.errors.Add(1) <= 5 {
		log.Print(err)
	}
	return false
}

// receive is the webhook receiver: it counts notifications and the alerts
// they carry, by status.
func receive(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		Alerts []struct {
			Status string `json:"status"`
		} `json:"alerts"`
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	stats.notifications.Add(1)
	for _, a := range msg.Alerts {
		if a.Status == "resolved" {
			stats.notifiedOK.Add(1)
		} else {
			stats.notifiedFiring.Add(1)
		}
	}
}

func waitReady(base string, timeout time.Duration) error {
	end := time.Now().Add(timeout)
	for {
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(end) {
			return fmt.Errorf("%s not ready after %v (last error: %v)", base, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func sleepUntil(t, deadline time.Time) {
	if deadline.Before(t) {
		t = deadline
	}
	time.Sleep(time.Until(t))
}

// printFreePorts lets the script pick ports that are free now: it listens
// on port 0 for each and prints what the kernel chose.
func printFreePorts(n int) {
	var lns []net.Listener
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		lns = append(lns, ln) // held open, so the n ports differ
		fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	_ = os.Stdout.Sync()
}
