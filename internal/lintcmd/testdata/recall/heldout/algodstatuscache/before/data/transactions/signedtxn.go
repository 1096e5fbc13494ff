// Package transactions holds the signed transaction type.
package transactions

import (
	"crypto/sha512"
	"encoding/binary"
	"fmt"
)

// Txid identifies a transaction.
type Txid [32]byte

// String returns the ID in hex.
func (id Txid) String() string { return fmt.Sprintf("%x", id[:]) }

// SignedTxn is a transaction and its signature.
type SignedTxn struct {
	Sender     string `json:"snd"`
	Receiver   string `json:"rcv"`
	Amount     uint64 `json:"amt"`
	FirstValid uint64 `json:"fv"`
	LastValid  uint64 `json:"lv"`
	Note       []byte `json:"note"`
	Sig        []byte `json:"sig"`
}

// ID returns the transaction's ID, a hash of its fields.
func (tx SignedTxn) ID() Txid {
	h := sha512.New512_256()
	h.Write([]byte(tx.Sender))
	h.Write([]byte{0})
	h.Write([]byte(tx.Receiver))
	var b [24]byte
	binary.BigEndian.PutUint64(b[0:], tx.Amount)
	binary.BigEndian.PutUint64(b[8:], tx.FirstValid)
	binary.BigEndian.PutUint64(b[16:], tx.LastValid)
	h.Write(b[:])
	h.Write(tx.Note)
	var id Txid
	copy(id[:], h.Sum(nil))
	return id
}

// TxnDeadError says a transaction's validity window has passed.
type TxnDeadError struct {
	Round     uint64
	LastValid uint64
}

func (e *TxnDeadError) Error() string {
	return fmt.Sprintf("txn dead: round %d outside of %d", e.Round, e.LastValid)
}
