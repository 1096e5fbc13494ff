// Package api holds the resource types of kargohelmhints' promotion
// controller (see package promotion).
package api

// Image is an image a piece of freight carries.
type Image struct {
	RepoURL string `json:"repoURL"`
	Tag     string `json:"tag"`
}

// Chart is a Helm chart a piece of freight carries.
type Chart struct {
	RegistryURL string `json:"registryURL"`
	Name        string `json:"name"`
	Version     string `json:"version"`
}

// Freight is what a promotion moves into a stage.
type Freight struct {
	Images []Image `json:"images"`
	Charts []Chart `json:"charts"`
}

const (
	ImageUpdateValueTypeImage = "Image"
	ImageUpdateValueTypeTag   = "Tag"
)

// HelmImageUpdate says which key of which values file takes an image.
type HelmImageUpdate struct {
	Image          string `json:"image"`
	ValuesFilePath string `json:"valuesFilePath"`
	Key            string `json:"key"`
	Value          string `json:"value"`
}

// HelmChartDependencyUpdate names a chart whose dependencies follow the
// freight's charts.
type HelmChartDependencyUpdate struct {
	RegistryURL string `json:"registryURL"`
	Name        string `json:"name"`
	ChartPath   string `json:"chartPath"`
}

type HelmPromotionMechanism struct {
	Images []HelmImageUpdate           `json:"images"`
	Charts []HelmChartDependencyUpdate `json:"charts"`
}

// GitRepoUpdate is one repository a promotion writes to.
type GitRepoUpdate struct {
	RepoURL string                  `json:"repoURL"`
	Helm    *HelmPromotionMechanism `json:"helm,omitempty"`
}
