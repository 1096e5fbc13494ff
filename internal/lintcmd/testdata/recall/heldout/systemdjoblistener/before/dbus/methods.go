package dbus

func (c *Conn) initJobs() {
	c.jobListener.jobs = make(map[ObjectPath]chan string)
}

// jobComplete hands a finished job's result to whoever started it. The
// signal's body is the job ID, its path, the unit and the result.
func (c *Conn) jobComplete(s Signal) {
	if len(s.Body) < 4 {
		return
	}
	job, result := ObjectPath(s.Body[1]), s.Body[3]
	c.jobListener.Lock()
	out, ok := c.jobListener.jobs[job]
	if ok {
		out <- result
	}
	c.jobListener.Unlock()
}

func (c *Conn) startJob(job string, args ...string) (<-chan string, error) {
	c.jobListener.Lock()
	defer c.jobListener.Unlock()

	ch := make(chan string, 1)
	path, err := c.call(job, args...)
	if err != nil {
		return nil, err
	}
	c.jobListener.jobs[ObjectPath(path)] = ch // want growonly "."
	return ch, nil
}

func (c *Conn) runJob(job string, args ...string) (string, error) {
	respCh, err := c.startJob(job, args...)
	if err != nil {
		return "", err
	}
	return <-respCh, nil
}

// StartUnit enqueues a start job for the unit and waits for its result:
// done, canceled, timeout, failed, dependency or skipped.
func (c *Conn) StartUnit(name, mode string) (string, error) {
	return c.runJob("org.freedesktop.systemd1.Manager.StartUnit", name, mode)
}

// StopUnit is like StartUnit but stops the unit.
func (c *Conn) StopUnit(name, mode string) (string, error) {
	return c.runJob("org.freedesktop.systemd1.Manager.StopUnit", name, mode)
}

// RestartUnit restarts the unit, starting it if it is not running.
func (c *Conn) RestartUnit(name, mode string) (string, error) {
	return c.runJob("org.freedesktop.systemd1.Manager.RestartUnit", name, mode)
}

// ReloadUnit reloads a running unit.
func (c *Conn) ReloadUnit(name, mode string) (string, error) {
	return c.runJob("org.freedesktop.systemd1.Manager.ReloadUnit", name, mode)
}
