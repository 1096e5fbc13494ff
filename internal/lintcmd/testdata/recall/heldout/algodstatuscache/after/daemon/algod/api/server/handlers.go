// Package server serves the node's REST API.
package server

import (
	"encoding/hex"
	"encoding/json"
	"net/http"

	"recall/heldout/algodstatuscache/after/data/transactions"
	"recall/heldout/algodstatuscache/after/node"
)

// Handlers serves the transaction endpoints of one node.
type Handlers struct {
	Node *node.AlgorandFullNode
}

// Register adds the endpoints to mux.
func (h *Handlers) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /v2/transactions", h.RawTransaction)
	mux.HandleFunc("GET /v2/transactions/pending/{txid}", h.PendingTransactionInformation)
}

// RawTransaction takes a signed transaction into the pool.
func (h *Handlers) RawTransaction(w http.ResponseWriter, r *http.Request) {
	var tx transactions.SignedTxn
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&tx); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := h.Node.BroadcastSignedTxGroup(tx); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"txId": tx.ID().String()})
}

// PendingTransactionInformation says whether a transaction is pending, or
// why it left the pool.
func (h *Handlers) PendingTransactionInformation(w http.ResponseWriter, r *http.Request) {
	raw, err := hex.DecodeString(r.PathValue("txid"))
	if err != nil || len(raw) != len(transactions.Txid{}) {
		http.Error(w, "bad transaction ID", http.StatusBadRequest)
		return
	}
	var id transactions.Txid
	copy(id[:], raw)
	tx, txErr, found := h.Node.GetPendingTransaction(id)
	if !found {
		http.Error(w, "transaction not found", http.StatusNotFound)
		return
	}
	json.NewEncoder(w).Encode(struct {
		Txn       transactions.SignedTxn `json:"txn"`
		PoolError string                 `json:"pool-error"`
	}{tx, txErr})
}
