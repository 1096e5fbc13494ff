// Command evaluator runs the evaluator of patchmanevaluator: it listens
// for evaluation events, one JSON object per line (in place of the Kafka
// topic upstream reads), and answers each with what the evaluation
// changed. The database and the vulnerability service are stand-ins kept
// in memory.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"log"
	"net"
	"os"

	afterevaluator "recall/heldout/patchmanevaluator/after/evaluator"
	aftermodels "recall/heldout/patchmanevaluator/after/models"
	aftervmaas "recall/heldout/patchmanevaluator/after/vmaas"
	beforeevaluator "recall/heldout/patchmanevaluator/before/evaluator"
	beforemodels "recall/heldout/patchmanevaluator/before/models"
	beforevmaas "recall/heldout/patchmanevaluator/before/vmaas"
)

type beforeStore struct{}

func (beforeStore) System(_ context.Context, accountID int, inventoryID string) (*beforemodels.SystemPlatform, error) {
	return &beforemodels.SystemPlatform{ID: 1, RhAccountID: accountID, InventoryID: inventoryID}, nil
}
func (beforeStore) SystemAdvisories(context.Context, int, int64) ([]beforemodels.SystemAdvisories, error) {
	return nil, nil
}
func (beforeStore) AdvisoryIDs(_ context.Context, names []string) (map[string]int64, error) {
	ids := make(map[string]int64, len(names))
	for i, n := range names {
		ids[n] = int64(i + 1)
	}
	return ids, nil
}
func (beforeStore) ReplaceSystemAdvisories(context.Context, *beforemodels.SystemPlatform, []int64, []int64) error {
	return nil
}
func (beforeStore) UpdateAccountCounts(context.Context, []beforemodels.AdvisoryAccountData) error {
	return nil
}
func (beforeStore) StoredPackages(context.Context, *beforemodels.SystemPlatform, []int64) ([]beforemodels.Package, error) {
	return nil, nil
}

type beforeVMaaS struct{}

func (beforeVMaaS) Updates(context.Context, *beforemodels.SystemPlatform) (*beforevmaas.UpdatesResponse, error) {
	return &beforevmaas.UpdatesResponse{}, nil
}

type afterStore struct{}

func (afterStore) System(_ context.Context, accountID int, inventoryID string) (*aftermodels.SystemPlatform, error) {
	return &aftermodels.SystemPlatform{ID: 1, RhAccountID: accountID, InventoryID: inventoryID}, nil
}
func (afterStore) SystemAdvisories(context.Context, int, int64) ([]aftermodels.SystemAdvisories, error) {
	return nil, nil
}
func (afterStore) AdvisoryIDs(_ context.Context, names []string) (map[string]int64, error) {
	ids := make(map[string]int64, len(names))
	for i, n := range names {
		ids[n] = int64(i + 1)
	}
	return ids, nil
}
func (afterStore) ReplaceSystemAdvisories(context.Context, *aftermodels.SystemPlatform, []int64, []int64) error {
	return nil
}
func (afterStore) UpdateAccountCounts(context.Context, []aftermodels.AdvisoryAccountData) error {
	return nil
}
func (afterStore) StoredPackages(context.Context, *aftermodels.SystemPlatform, []int64) ([]aftermodels.Package, error) {
	return nil, nil
}

type afterVMaaS struct{}

func (afterVMaaS) Updates(context.Context, *aftermodels.SystemPlatform) (*aftervmaas.UpdatesResponse, error) {
	return &aftervmaas.UpdatesResponse{}, nil
}

func main() {
	before := &beforeevaluator.Evaluator{Store: beforeStore{}, VMaaS: beforeVMaaS{}, Cache: beforeevaluator.NewPackageCache(nil)}
	after := &afterevaluator.Evaluator{Store: afterStore{}, VMaaS: afterVMaaS{}, Cache: afterevaluator.NewPackageCache(nil)}
	ln, err := net.Listen("tcp", os.Getenv("EVALUATOR_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer c.Close()
			sc := bufio.NewScanner(c)
			enc := json.NewEncoder(c)
			for sc.Scan() {
				var ev struct {
					beforeevaluator.Event
					After bool `json:"after"`
				}
				if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
					return
				}
				ctx := context.Background()
				var res any
				if ev.After {
					res, err = after.Evaluate(ctx, afterevaluator.Event{AccountID: ev.AccountID, InventoryID: ev.InventoryID})
				} else {
					res, err = before.Evaluate(ctx, ev.Event)
				}
				if err != nil {
					enc.Encode(map[string]string{"error": err.Error()})
					continue
				}
				enc.Encode(res)
			}
		}()
	}
}
