// Package jsonnet reproduces, in its own words, the binding frames of
// go-jsonnet's interpreter that got size hints in
// https://github.com/google/go-jsonnet/pull/628 (commit
// 6b9e53860b6e85f1284d34b5710d8cbeba77e3d5; before/ is the code before
// the change, after/ as changed). Every closure call, every captured
// environment and every merge of two environments builds a map of
// variables; evaluating a large configuration builds millions of them,
// each made empty although the number of variables was known.
package jsonnet

import "fmt"

type Identifier string

// value is an evaluated Jsonnet value.
type value interface{}

// thunk is a variable's value, evaluated at most once.
type thunk struct {
	env  *environment
	body node
	val  value
	err  error
	done bool
}

type node interface {
	eval(env *environment) (value, error)
}

// bindingFrame maps the variables of a scope to their thunks.
type bindingFrame map[Identifier]*thunk

type environment struct {
	upValues bindingFrame
	self     value
}

func (t *thunk) force() (value, error) {
	if !t.done {
		t.val, t.err = t.body.eval(t.env)
		t.done = true
	}
	return t.val, t.err
}

// callStack holds the environments of the calls being evaluated.
type callStack struct {
	frames []*environment
}

// lookUpVarOrPanic finds a variable the static checker has already
// resolved, so a miss is a bug of the interpreter.
func (s *callStack) lookUpVarOrPanic(id Identifier) *thunk {
	for i := len(s.frames) - 1; i >= 0; i-- {
		if th, ok := s.frames[i].upValues[id]; ok {
			return th
		}
	}
	panic(fmt.Sprintf("unknown variable: %s", id))
}

// capture builds the frame a closure keeps: one binding per free
// variable of its body.
func (s *callStack) capture(freeVars []Identifier) bindingFrame {
	env := make(bindingFrame, len(freeVars))
	for _, fv := range freeVars {
		env[fv] = s.lookUpVarOrPanic(fv)
	}
	return env
}

// addBindings merges two frames; b wins when both bind a variable.
func addBindings(a, b bindingFrame) bindingFrame {
	result := make(bindingFrame, len(a))
	for k, v := range a {
		result[k] = v
	}
	for k, v := range b {
		result[k] = v
	}
	return result
}

type parameter struct {
	name       Identifier
	defaultArg node
}

// callArguments are the arguments of a call, positional then named.
type callArguments struct {
	positional []*thunk
	named      []namedArgument
}

type namedArgument struct {
	name Identifier
	pv   *thunk
}

type closure struct {
	env    environment
	params []parameter
	body   node
}

// evalCall binds the arguments of a call to the closure's parameters and
// evaluates its body; checkArguments has already matched the arguments
// against the parameters.
func (c *closure) evalCall(args callArguments) (value, error) {
	argThunks := make(bindingFrame, len(args.named)+len(args.positional))
	for i, arg := range args.positional {
		argThunks[c.params[i].name] = arg
	}
	for _, arg := range args.named {
		argThunks[arg.name] = arg.pv
	}
	// Default arguments are evaluated in the environment of the body.
	calledEnv := &environment{self: c.env.self}
	for _, p := range c.params {
		if _, ok := argThunks[p.name]; !ok {
			argThunks[p.name] = &thunk{env: calledEnv, body: p.defaultArg}
		}
	}
	calledEnv.upValues = addBindings(c.env.upValues, argThunks)
	return c.body.eval(calledEnv)
}
