package evaluator

import (
	"context"

	"recall/heldout/patchmanevaluator/before/models"
	"recall/heldout/patchmanevaluator/before/vmaas"
)

func (e *Evaluator) evaluateAdvisories(ctx context.Context, system *models.SystemPlatform,
	updates *vmaas.UpdatesResponse) (added, removed int, err error) {
	reported := getReportedAdvisories(updates)
	stored, err := e.getStoredAdvisoriesMap(ctx, system.RhAccountID, system.ID)
	if err != nil {
		return 0, 0, err
	}
	deleteIDs, addNames := getAdvisoryChanges(reported, stored)
	ids, err := e.Store.AdvisoryIDs(ctx, addNames)
	if err != nil {
		return 0, 0, err
	}
	addIDs := make([]int64, 0, len(addNames))
	for _, name := range addNames {
		if id, ok := ids[name]; ok {
			addIDs = append(addIDs, id)
		}
	}
	if err := e.Store.ReplaceSystemAdvisories(ctx, system, deleteIDs, addIDs); err != nil {
		return 0, 0, err
	}
	if err := e.Store.UpdateAccountCounts(ctx, calcAdvisoryChanges(system, deleteIDs, addIDs)); err != nil {
		return 0, 0, err
	}
	return len(addIDs), len(deleteIDs), nil
}

// getReportedAdvisories collects the advisories of every update of every
// installed package.
func getReportedAdvisories(updates *vmaas.UpdatesResponse) map[string]bool {
	advisories := map[string]bool{} // want mapprealloc "."
	for _, list := range updates.UpdateList {
		for _, u := range list.AvailableUpdates {
			advisories[u.Erratum] = true
		}
	}
	return advisories
}

func (e *Evaluator) getStoredAdvisoriesMap(ctx context.Context, accountID int, systemID int64) (map[string]models.SystemAdvisories, error) {
	advisories, err := e.Store.SystemAdvisories(ctx, accountID, systemID)
	if err != nil {
		return nil, err
	}
	advisoriesMap := map[string]models.SystemAdvisories{} // want mapprealloc "."
	for _, advisory := range advisories {
		advisoriesMap[advisory.Advisory.Name] = advisory
	}
	return advisoriesMap, nil
}

// getAdvisoryChanges returns the stored advisories no longer reported and
// the reported advisories not stored yet.
func getAdvisoryChanges(reported map[string]bool, stored map[string]models.SystemAdvisories) ([]int64, []string) {
	var deleteIDs []int64
	for name, sa := range stored {
		if !reported[name] {
			deleteIDs = append(deleteIDs, sa.AdvisoryID)
		}
	}
	var addNames []string
	for name := range reported {
		if _, ok := stored[name]; !ok {
			addNames = append(addNames, name)
		}
	}
	return deleteIDs, addNames
}

// calcAdvisoryChanges returns the changes to the account's counts of
// affected systems: one more for each added advisory, one fewer for each
// removed one.
func calcAdvisoryChanges(system *models.SystemPlatform, deleteIDs, addIDs []int64) []models.AdvisoryAccountData {
	if system.Stale {
		return []models.AdvisoryAccountData{}
	}
	changes := map[int64]models.AdvisoryAccountData{} // want mapprealloc "."
	for _, id := range addIDs {
		changes[id] = models.AdvisoryAccountData{AdvisoryID: id, RhAccountID: system.RhAccountID, SystemsAffected: 1}
	}
	for _, id := range deleteIDs {
		changes[id] = models.AdvisoryAccountData{AdvisoryID: id, RhAccountID: system.RhAccountID, SystemsAffected: -1}
	}
	out := make([]models.AdvisoryAccountData, 0, len(changes))
	for _, c := range changes {
		out = append(out, c)
	}
	return out
}
