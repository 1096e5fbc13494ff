// Package models holds krok's data types.
package models

import "time"

// Repository is a repository whose hooks krok serves, with the commands
// each hook event runs.
type Repository struct {
	ID       int        `json:"id"`
	Name     string     `json:"name"`
	Commands []*Command `json:"commands"`
}

// Command is an executable run for each event of a repository.
type Command struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Location string `json:"location"`
	Enabled  bool   `json:"enabled"`
}

// Event is one hook delivery, stored before its commands run. ID is
// assigned by the store.
type Event struct {
	ID           int       `json:"id"`
	RepositoryID int       `json:"repository_id"`
	EventID      string    `json:"event_id"`
	Payload      string    `json:"payload"`
	CreateAt     time.Time `json:"create_at"`
}

// CommandRun is the record of one command run for one event.
type CommandRun struct {
	ID          int       `json:"id"`
	EventID     int       `json:"event_id"`
	CommandName string    `json:"command_name"`
	Status      string    `json:"status"`
	Outcome     string    `json:"outcome"`
	CreateAt    time.Time `json:"create_at"`
}
