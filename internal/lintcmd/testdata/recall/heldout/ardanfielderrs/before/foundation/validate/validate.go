package validate

import (
	"fmt"
	"reflect"
	"strings"
)

// Check validates the fields of the struct val points to against their
// `validate` tags: "required" (not the zero value) and "email" (holds
// an @). It returns FieldErrors naming the fields by their json names.
func Check(val any) error {
	v := reflect.Indirect(reflect.ValueOf(val))
	if v.Kind() != reflect.Struct {
		return fmt.Errorf("validate: %T is not a struct", val)
	}
	t := v.Type()
	var fields FieldErrors
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" {
			name = sf.Name
		}
		for _, rule := range strings.Split(sf.Tag.Get("validate"), ",") {
			f := v.Field(i)
			switch rule {
			case "required":
				if f.IsZero() {
					fields = append(fields, FieldError{Field: name, Err: name + " is a required field"})
				}
			case "email":
				if f.Kind() == reflect.String && !strings.Contains(f.String(), "@") {
					fields = append(fields, FieldError{Field: name, Err: name + " must be a valid email address"})
				}
			}
		}
	}
	if len(fields) > 0 {
		return fields
	}
	return nil
}
