// Package validate reproduces, in its own words, the request validation
// of ardanlabs/service (the sales-api) as it was before
// https://github.com/ardanlabs/service/pull/363 (commit
// a8144dff159e38d00350f747411c2d084aaacb49 and its follow-up 0ae6c537,
// for issue #362; before/ is the code before the change, after/ as
// changed). FieldErrors.Fields, which the error middleware calls for
// every request that fails validation, built its map of field to message
// empty and grew it while copying the errors, although their number was
// the length of the slice; the change gave it that length as a hint.
package validate

import (
	"encoding/json"
	"errors"
)

// FieldError is an error with one field of a request.
type FieldError struct {
	Field string `json:"field"`
	Err   string `json:"error"`
}

// FieldErrors are the errors of a request's fields.
type FieldErrors []FieldError

// NewFieldsError returns the error of one field.
func NewFieldsError(field string, err error) error {
	return FieldErrors{{Field: field, Err: err.Error()}}
}

func (fe FieldErrors) Error() string {
	d, err := json.Marshal(fe)
	if err != nil {
		return err.Error()
	}
	return string(d)
}

// Fields returns the message of each failed field, by field.
func (fe FieldErrors) Fields() map[string]string {
	m := make(map[string]string, len(fe))
	for _, fld := range fe {
		m[fld.Field] = fld.Err
	}
	return m
}

// IsFieldErrors reports whether err holds FieldErrors.
func IsFieldErrors(err error) bool {
	var fe FieldErrors
	return errors.As(err, &fe)
}

// GetFieldErrors returns the FieldErrors err holds, or nil.
func GetFieldErrors(err error) FieldErrors {
	var fe FieldErrors
	if !errors.As(err, &fe) {
		return nil
	}
	return fe
}
