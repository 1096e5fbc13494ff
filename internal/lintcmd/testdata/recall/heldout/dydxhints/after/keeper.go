// Package keeper reproduces, in its own words, the subaccount keeper maps
// of dYdX v4 that got size hints in
// https://github.com/dydxprotocol/v4-chain/pull/1590 (commit
// b52bbbe55179242c66ea32d2c4109d7e72b9b384; before/ is the code before
// the change, after/ as changed). Every subaccount update of every block
// builds lookup tables from perpetual IDs (market types, funding indexes,
// the perpetuals of a subaccount's positions, the updates to apply), each
// made empty although the slice it is filled from is at hand; CPU
// profiles of the chain pointed at their growth.
package keeper

import (
	"errors"
	"fmt"
	"sort"
)

type MarketType int

const (
	CrossMarket MarketType = iota
	IsolatedMarket
)

type Perpetual struct {
	ID           uint32
	MarketType   MarketType
	FundingIndex int64
}

type PerpetualPosition struct {
	PerpetualID uint32
	Quantums    int64
	Funding     int64
}

type Subaccount struct {
	Owner     string
	Number    uint32
	Positions []PerpetualPosition
}

type Update struct {
	Subaccount Subaccount
	Changes    []PositionSize
}

// PositionSize is a position or a change of one, by perpetual ID.
type PositionSize struct {
	ID       uint32
	Quantums int64
}

// PerpetualsKeeper is the perpetuals module as the subaccounts module sees it.
type PerpetualsKeeper interface {
	GetPerpetual(id uint32) (Perpetual, error)
	GetAllPerpetuals() []Perpetual
}

type Keeper struct {
	perpetuals PerpetualsKeeper
	store      map[string]Subaccount
}

func NewKeeper(p PerpetualsKeeper) *Keeper {
	return &Keeper{perpetuals: p, store: map[string]Subaccount{}}
}

func storeKey(s Subaccount) string { return fmt.Sprintf("%s/%d", s.Owner, s.Number) }

func marketTypes(perpetuals []Perpetual) map[uint32]MarketType {
	types := make(map[uint32]MarketType, len(perpetuals))
	for _, p := range perpetuals {
		types[p.ID] = p.MarketType
	}
	return types
}

// UpdateSubaccounts settles funding and applies every update.
func (k *Keeper) UpdateSubaccounts(updates []Update) error {
	all := k.perpetuals.GetAllPerpetuals()
	types := marketTypes(all)
	fundingIndex := make(map[uint32]int64, len(all))
	for _, p := range all {
		fundingIndex[p.ID] = p.FundingIndex
	}
	for _, u := range updates {
		settled, err := k.settle(u.Subaccount)
		if err != nil {
			return err
		}
		for i := range settled.Positions {
			pos := &settled.Positions[i]
			if idx, ok := fundingIndex[pos.PerpetualID]; ok {
				pos.Funding = idx
			}
		}
		if err := checkIsolated(settled.Positions, u.Changes, types); err != nil {
			return err
		}
		sizes := make([]PositionSize, 0, len(settled.Positions))
		for _, p := range settled.Positions {
			sizes = append(sizes, PositionSize{ID: p.PerpetualID, Quantums: p.Quantums})
		}
		merged, err := applyUpdates(sizes, u.Changes)
		if err != nil {
			return err
		}
		settled.Positions = settled.Positions[:0]
		for _, m := range merged {
			settled.Positions = append(settled.Positions, PositionSize2Position(m, fundingIndex[m.ID]))
		}
		k.store[storeKey(settled)] = settled
	}
	return nil
}

func PositionSize2Position(p PositionSize, funding int64) PerpetualPosition {
	return PerpetualPosition{PerpetualID: p.ID, Quantums: p.Quantums, Funding: funding}
}

func checkIsolated(positions []PerpetualPosition, changes []PositionSize, types map[uint32]MarketType) error {
	isolated := 0
	for _, p := range positions {
		if types[p.PerpetualID] == IsolatedMarket {
			isolated++
		}
	}
	for _, c := range changes {
		if types[c.ID] == IsolatedMarket && len(positions) > isolated {
			return errors.New("isolated perpetual with other positions")
		}
	}
	return nil
}

// settle returns the subaccount with the perpetuals of its positions looked up.
func (k *Keeper) settle(s Subaccount) (Subaccount, error) {
	perpetuals := make(map[uint32]Perpetual, len(s.Positions))
	for _, p := range s.Positions {
		perp, err := k.perpetuals.GetPerpetual(p.PerpetualID)
		if err != nil {
			return Subaccount{}, err
		}
		perpetuals[p.PerpetualID] = perp
	}
	out := s
	out.Positions = append([]PerpetualPosition(nil), s.Positions...)
	for i := range out.Positions {
		perp := perpetuals[out.Positions[i].PerpetualID]
		out.Positions[i].Funding = perp.FundingIndex
	}
	return out, nil
}

// applyUpdates merges updates into positions; two updates of one ID are an error.
func applyUpdates(positions, updates []PositionSize) ([]PositionSize, error) {
	result := make([]PositionSize, 0, len(positions)+len(updates))
	byID := make(map[uint32]PositionSize, len(updates))
	index := make(map[uint32]int, len(updates))
	for i, u := range updates {
		if _, dup := byID[u.ID]; dup {
			return nil, fmt.Errorf("multiple updates for perpetual %d", u.ID)
		}
		byID[u.ID] = u
		index[u.ID] = i
	}
	for _, p := range positions {
		if u, ok := byID[p.ID]; ok {
			p.Quantums += u.Quantums
			delete(byID, p.ID)
		}
		if p.Quantums != 0 {
			result = append(result, p)
		}
	}
	rest := make([]PositionSize, 0, len(byID))
	for _, u := range byID {
		rest = append(rest, u)
	}
	sort.Slice(rest, func(i, j int) bool { return index[rest[i].ID] < index[rest[j].ID] })
	return append(result, rest...), nil
}
