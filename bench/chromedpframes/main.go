// Command chromedpframes checks at run time a finding of mapscope lint on
// github.com/chromedp/chromedp v0.23.1, a library no rule was written for:
//
//	chromedp.go:469:4: map field Target.frames only grows: runtimeEvent deletes frameID from execContexts, execUniqueIDs but not from it
//
// It serves pages on 127.0.0.1, drives one long-lived headless Chromium
// tab through thousands of iframes created and removed, and navigations
// to pages with iframes, and prints after each step how many entries the
// tab's Target.frames map holds, how many of them name frames the
// browser no longer has, and the Go heap. Finally it deletes the stale
// entries by hand, as a fix would, to show what they held.
//
//	cd bench/chromedpframes && go run .    # needs chromium in PATH (Debian's package)
//
// Results are in docs/lint-results.md ("A leak in chromedp").
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os/exec"
	"reflect"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const indexHTML = `<!doctype html><html><body><h1>parent</h1><script>
let seq = 0;
// create an iframe, wait for its load, remove it; n times
async function cycle(n) {
  for (let i = 0; i < n; i++) {
    const f = document.createElement('iframe');
    const loaded = new Promise(r => f.onload = r);
    f.src = '/child?n=' + (seq++);
    document.body.appendChild(f);
    await loaded;
    f.remove();
  }
  return document.querySelectorAll('iframe').length;
}
// page with k static iframes
</script></body></html>`

const withFramesHTML = `<!doctype html><html><body>%s</body></html>`

// unexported field of *chromedp.Target as an addressable, usable value
func field(t *chromedp.Target, name string) reflect.Value {
	f := reflect.ValueOf(t).Elem().FieldByName(name)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

type snapshot struct {
	frames, attached, notInTree, execCtx int
	heapAlloc, heapInuse                 uint64
}

func measure(ctx context.Context, t *chromedp.Target) snapshot {
	time.Sleep(1 * time.Second) // let pending events drain
	// current frame tree from the browser
	tree, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (*page.FrameTree, error) {
		r, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		return r.FrameTree, err
	})
	if err != nil {
		log.Fatal(err)
	}
	live := map[cdp.FrameID]bool{}
	var walk func(ft *page.FrameTree)
	walk = func(ft *page.FrameTree) {
		live[ft.Frame.ID] = true
		for _, c := range ft.ChildFrames {
			walk(c)
		}
	}
	walk(tree)

	mu := field(t, "frameMu").Addr().Interface().(*sync.RWMutex)
	mu.RLock()
	// the check the brief asked for: Len on the unexported field directly
	n := reflect.ValueOf(t).Elem().FieldByName("frames").Len()
	frames := field(t, "frames").Interface().(map[cdp.FrameID]*chromedp.Frame)
	execCtx := reflect.ValueOf(t).Elem().FieldByName("execContexts").Len()
	var s snapshot
	s.frames, s.execCtx = n, execCtx
	for id, f := range frames {
		if f.State&chromedp.FrameAttached != 0 {
			s.attached++
		}
		if !live[id] {
			s.notInTree++
		}
	}
	mu.RUnlock()

	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.heapAlloc, s.heapInuse = ms.HeapAlloc, ms.HeapInuse
	return s
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, indexHTML) })
	mux.HandleFunc("/child", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<!doctype html><html><body><p>child %s</p></body></html>", r.URL.Query().Get("n"))
	})
	mux.HandleFunc("/withframes", func(w http.ResponseWriter, r *http.Request) {
		s := ""
		for i := 0; i < 5; i++ {
			s += fmt.Sprintf(`<iframe src="/child?p=%s&i=%d"></iframe>`, r.URL.Query().Get("k"), i)
		}
		fmt.Fprintf(w, withFramesHTML, s)
	})
	mux.HandleFunc("/other", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html><body>other</body></html>") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(ln, mux)
	base := "http://" + ln.Addr().String()

	chromium, err := exec.LookPath("chromium")
	if err != nil {
		log.Fatal(err)
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU)...)
	defer acancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		log.Fatal(err)
	}
	t := chromedp.FromContext(ctx).Target

	var prev snapshot
	report := func(label string, cycles int) {
		s := measure(ctx, t)
		fmt.Printf("%-34s cycles=%5d frames=%5d attached=%3d notInTree=%5d execCtx=%3d HeapAlloc=%9d HeapInuse=%9d dFrames=%5d dHeapAlloc=%9d\n",
			label, cycles, s.frames, s.attached, s.notInTree, s.execCtx, s.heapAlloc, s.heapInuse,
			s.frames-prev.frames, int64(s.heapAlloc)-int64(prev.heapAlloc))
		prev = s
	}

	total := 0
	report("after initial navigate", total)
	for _, target := range []int{1000, 2000, 5000} {
		for total < target {
			const batch = 250
			left, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("cycle(%d)", batch), chromedp.EvalAwaitPromise))
			if err != nil {
				log.Fatal(err)
			}
			if left != 0 {
				log.Fatalf("iframes left in DOM: %d", left)
			}
			total += batch
		}
		report(fmt.Sprintf("after %d cycles", total), total)
	}
	report("repeat (idle +1s)", total)
	time.Sleep(5 * time.Second)
	report("repeat (idle +6s)", total)

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/other")); err != nil {
		log.Fatal(err)
	}
	report("after navigate /other", total)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		log.Fatal(err)
	}
	report("after navigate about:blank", total)

	// second usage pattern: navigate repeatedly to pages that contain 5 static iframes
	for k := 1; k <= 200; k++ {
		if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/withframes?k=%d", base, k))); err != nil {
			log.Fatal(err)
		}
	}
	report("after 200 navs to 5-iframe page", total)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		log.Fatal(err)
	}
	report("after navigate about:blank", total)
	report("repeat", total)

	// control: drop the stale entries by hand (what a fix would do) and see how much heap is freed
	tree, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (*page.FrameTree, error) {
		r, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		return r.FrameTree, err
	})
	if err != nil {
		log.Fatal(err)
	}
	mu := field(t, "frameMu").Addr().Interface().(*sync.RWMutex)
	mu.Lock()
	frames := field(t, "frames").Interface().(map[cdp.FrameID]*chromedp.Frame)
	for id := range frames {
		if id != tree.Frame.ID {
			delete(frames, id)
		}
	}
	mu.Unlock()
	report("control: stale entries deleted", total)
	// deleting from a Go map does not shrink its buckets; copy to a fresh map to see the full cost
	mu.Lock()
	fresh := map[cdp.FrameID]*chromedp.Frame{}
	for id, f := range frames {
		fresh[id] = f
	}
	field(t, "frames").Set(reflect.ValueOf(fresh))
	mu.Unlock()
	report("control: map replaced by fresh map", total)
	// the tab still works
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		log.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int]("cycle(10)", chromedp.EvalAwaitPromise)); err != nil {
		log.Fatal(err)
	}
	report("control: tab still usable, +10", total+10)
}
