// Command krok serves the hook endpoint of krokruns in each form: before
// under /before/, after under /after/, on KROK_ADDR.
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	afterexecutor "recall/heldout/krokruns/after/pkg/krok/providers/executor"
	afterstore "recall/heldout/krokruns/after/pkg/krok/providers/filestore"
	afterhandlers "recall/heldout/krokruns/after/pkg/krok/providers/handlers"
	beforeexecutor "recall/heldout/krokruns/before/pkg/krok/providers/executor"
	beforestore "recall/heldout/krokruns/before/pkg/krok/providers/filestore"
	beforehandlers "recall/heldout/krokruns/before/pkg/krok/providers/handlers"
)

func main() {
	logger := log.Default()
	mux := http.NewServeMux()

	brepos, err := beforestore.LoadRepositories(os.Getenv("KROK_REPOS"))
	if err != nil {
		log.Fatal(err)
	}
	bjournal := beforestore.NewJournal(os.Stdout)
	bexec := beforeexecutor.NewInMemoryExecuter(beforeexecutor.Config{MaxRuntime: time.Minute},
		beforeexecutor.Dependencies{Logger: logger, CommandRuns: bjournal})
	mux.Handle("POST /before/hooks/{rid}", beforehandlers.NewHookHandler(beforehandlers.HookDependencies{
		Logger: logger, RepositoryStore: brepos, EventsStorer: bjournal, Executer: bexec,
	}))
	mux.Handle("POST /before/events/{id}/cancel", &beforehandlers.RunHandler{Executer: bexec})

	arepos, err := afterstore.LoadRepositories(os.Getenv("KROK_REPOS"))
	if err != nil {
		log.Fatal(err)
	}
	ajournal := afterstore.NewJournal(os.Stdout)
	aexec := afterexecutor.NewInMemoryExecuter(afterexecutor.Config{MaxRuntime: time.Minute},
		afterexecutor.Dependencies{Logger: logger, CommandRuns: ajournal})
	mux.Handle("POST /after/hooks/{rid}", afterhandlers.NewHookHandler(afterhandlers.HookDependencies{
		Logger: logger, RepositoryStore: arepos, EventsStorer: ajournal, Executer: aexec,
	}))
	mux.Handle("POST /after/events/{id}/cancel", &afterhandlers.RunHandler{Executer: aexec})

	log.Fatal(http.ListenAndServe(os.Getenv("KROK_ADDR"), mux))
}
