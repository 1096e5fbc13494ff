// Package promotion reproduces, in its own words, the Helm promotion
// mechanism of Kargo's controller as changed by
// https://github.com/akuity/kargo/pull/763 (commit
// 77c0c80a06342c60b29a0f8c823091f9b2778029; before/ is the code before the
// change, after/ as changed), which gave size hints to the maps built on
// every promotion: the values-file changes indexed by file (at most one
// per image update), the freight's chart versions indexed by registry and
// name (one per chart), and the set of chart paths to update (at most one
// per dependency update). Each was made empty and grown while being
// filled, although the count was known before the loop.
package promotion

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"recall/heldout/kargohelmhints/after/api"
)

// selectHelmUpdates returns the updates that involve Helm.
func selectHelmUpdates(updates []api.GitRepoUpdate) []api.GitRepoUpdate {
	selected := make([]api.GitRepoUpdate, 0, len(updates))
	for _, u := range updates {
		if u.Helm != nil {
			selected = append(selected, u)
		}
	}
	return selected
}

// Promote applies the Helm updates of updates to the checkout in
// workingDir and returns a summary of the changes.
func Promote(updates []api.GitRepoUpdate, freight api.Freight, workingDir string) ([]string, error) {
	var summary []string
	for _, u := range selectHelmUpdates(updates) {
		s, err := apply(u, freight, workingDir)
		if err != nil {
			return nil, fmt.Errorf("updating %s: %w", u.RepoURL, err)
		}
		summary = append(summary, s...)
	}
	return summary, nil
}

func apply(update api.GitRepoUpdate, freight api.Freight, workingDir string) ([]string, error) {
	changesByFile, imageSummary := buildValuesFilesChanges(freight.Images, update.Helm.Images)
	for file, changes := range changesByFile {
		if err := setStringsInFile(filepath.Join(workingDir, file), changes); err != nil {
			return nil, fmt.Errorf("error updating values in file %q: %w", file, err)
		}
	}
	changesByChart, chartSummary, err := buildChartDependencyChanges(workingDir, freight.Charts, update.Helm.Charts)
	if err != nil {
		return nil, fmt.Errorf("error preparing changes to affected Chart.yaml files: %w", err)
	}
	for chart, changes := range changesByChart {
		if err := setStringsInFile(filepath.Join(workingDir, chart, "Chart.yaml"), changes); err != nil {
			return nil, fmt.Errorf("error updating dependencies for chart %q: %w", chart, err)
		}
	}
	return append(imageSummary, chartSummary...), nil
}

// buildValuesFilesChanges indexes the new value of each key of each values
// file named by the image updates.
func buildValuesFilesChanges(images []api.Image, imageUpdates []api.HelmImageUpdate) (map[string]map[string]string, []string) {
	tagsByImage := map[string]string{}
	for _, image := range images {
		tagsByImage[image.RepoURL] = image.Tag
	}

	changesByFile := make(map[string]map[string]string, len(imageUpdates))
	changeSummary := make([]string, 0, len(imageUpdates))
	for _, u := range imageUpdates {
		if u.Value != api.ImageUpdateValueTypeImage && u.Value != api.ImageUpdateValueTypeTag {
			continue
		}
		tag, found := tagsByImage[u.Image]
		if !found {
			continue
		}
		if _, found = changesByFile[u.ValuesFilePath]; !found {
			changesByFile[u.ValuesFilePath] = map[string]string{}
		}
		if u.Value == api.ImageUpdateValueTypeImage {
			changesByFile[u.ValuesFilePath][u.Key] = fmt.Sprintf("%s:%s", u.Image, tag)
		} else {
			changesByFile[u.ValuesFilePath][u.Key] = tag
		}
		changeSummary = append(changeSummary, fmt.Sprintf("updated %s to use image %s:%s", u.ValuesFilePath, u.Image, tag))
	}
	return changesByFile, changeSummary
}

// buildChartDependencyChanges indexes the new dependency versions of each
// Chart.yaml named by the chart updates.
func buildChartDependencyChanges(repoDir string, charts []api.Chart, chartUpdates []api.HelmChartDependencyUpdate) (map[string]map[string]string, []string, error) {
	versionsByChart := make(map[string]string, len(charts))
	for _, chart := range charts {
		key := fmt.Sprintf("%s:%s", chart.RegistryURL, chart.Name)
		versionsByChart[key] = chart.Version
	}

	chartPaths := make(map[string]struct{}, len(chartUpdates))
	for _, u := range chartUpdates {
		chartPaths[u.ChartPath] = struct{}{}
	}

	changesByFile := make(map[string]map[string]string)
	changeSummary := make([]string, 0)
	for chartPath := range chartPaths {
		path := filepath.Join(repoDir, chartPath, "Chart.yaml")
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("error reading file %q: %w", path, err)
		}
		for i, dep := range parseDependencies(b) {
			version, found := versionsByChart[fmt.Sprintf("%s:%s", dep.repository, dep.name)]
			if !found {
				continue
			}
			if _, ok := changesByFile[chartPath]; !ok {
				changesByFile[chartPath] = map[string]string{}
			}
			changesByFile[chartPath][fmt.Sprintf("dependencies.%d.version", i)] = version
			changeSummary = append(changeSummary, fmt.Sprintf("updated %s/Chart.yaml to use subchart %s:%s", chartPath, dep.name, version))
		}
	}
	return changesByFile, changeSummary, nil
}

type dependency struct{ name, repository string }

// parseDependencies reads the dependencies list of a Chart.yaml, one
// "- name:" item followed by its "repository:" line.
func parseDependencies(b []byte) []dependency {
	var deps []dependency
	in := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "dependencies:":
			in = true
		case in && strings.HasPrefix(trimmed, "- name:"):
			deps = append(deps, dependency{name: strings.TrimSpace(strings.TrimPrefix(trimmed, "- name:"))})
		case in && strings.HasPrefix(trimmed, "repository:") && len(deps) > 0:
			deps[len(deps)-1].repository = strings.TrimSpace(strings.TrimPrefix(trimmed, "repository:"))
		case in && !strings.HasPrefix(line, " ") && trimmed != "":
			in = false
		}
	}
	return deps
}

// setStringsInFile records the changes as "key: value" lines after the
// file's content, in key order.
func setStringsInFile(file string, changes map[string]string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(changes))
	for k := range changes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.Write(b)
	for _, k := range keys {
		fmt.Fprintf(&buf, "%s: %s\n", k, changes[k])
	}
	return os.WriteFile(file, buf.Bytes(), 0o644)
}
