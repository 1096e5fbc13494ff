// Command blobber serves the file operation handlers of blobberlocks.
package main

import (
	"database/sql"
	"encoding/json"
	"net/http"

	afterhandler "recall/heldout/blobberlocks/after/handler"
	beforehandler "recall/heldout/blobberlocks/before/handler"
)

// changesDB keeps the pending changes in a SQL table, as upstream does
// (the driver is registered by the deployment).
type changesDB struct{ db *sql.DB }

func (d changesDB) add(connID, op, path, newName string) error {
	_, err := d.db.Exec(`INSERT INTO allocation_changes (connection_id, operation, path, new_name) VALUES ($1, $2, $3, $4)`, connID, op, path, newName)
	return err
}

func (d changesDB) commit(connID string) ([]byte, error) {
	var list []byte
	err := d.db.QueryRow(`DELETE FROM allocation_changes WHERE connection_id = $1 RETURNING json_agg(operation)`, connID).Scan(&list)
	return list, err
}

type beforeDB struct{ changesDB }

func (d beforeDB) AddChange(connID string, c beforehandler.Change) error {
	return d.add(connID, c.Operation, c.Path, c.NewName)
}

func (d beforeDB) Commit(connID string) ([]beforehandler.Change, error) {
	b, err := d.commit(connID)
	if err != nil {
		return nil, err
	}
	var ops []string
	err = json.Unmarshal(b, &ops)
	out := make([]beforehandler.Change, len(ops))
	for i, op := range ops {
		out[i].Operation = op
	}
	return out, err
}

type afterDB struct{ changesDB }

func (d afterDB) AddChange(connID string, c afterhandler.Change) error {
	return d.add(connID, c.Operation, c.Path, c.NewName)
}

func (d afterDB) Commit(connID string) ([]afterhandler.Change, error) {
	b, err := d.commit(connID)
	if err != nil {
		return nil, err
	}
	var ops []string
	err = json.Unmarshal(b, &ops)
	out := make([]afterhandler.Change, len(ops))
	for i, op := range ops {
		out[i].Operation = op
	}
	return out, err
}

func main() {
	db, err := sql.Open("postgres", "host=postgres dbname=blobber_meta")
	if err != nil {
		return
	}
	b := beforehandler.New(beforeDB{changesDB{db}})
	a := afterhandler.New(afterDB{changesDB{db}})
	http.HandleFunc("/before/v1/file/rename", b.Rename)
	http.HandleFunc("/before/v1/connection/commit", b.Commit)
	http.HandleFunc("/after/v1/file/rename", a.Rename)
	http.HandleFunc("/after/v1/connection/commit", a.Commit)
	http.ListenAndServe(":5051", nil)
}
