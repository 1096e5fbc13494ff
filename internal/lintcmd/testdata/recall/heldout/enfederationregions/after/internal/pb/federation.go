// Package pb holds the federation API's messages (generated from protobuf
// upstream, written by hand here).
package pb

// FederationFetchRequest asks for the exposure keys of some regions.
type FederationFetchRequest struct {
	RegionIdentifiers             []string `json:"regionIdentifiers"`
	ExcludeRegionIdentifiers      []string `json:"excludeRegionIdentifiers"`
	LastFetchResponseKeyTimestamp int64    `json:"lastFetchResponseKeyTimestamp"`
	NextFetchToken                string   `json:"nextFetchToken"`
}

// ExposureKey is one diagnosis key.
type ExposureKey struct {
	ExposureKey    []byte `json:"exposureKey"`
	IntervalNumber int32  `json:"intervalNumber"`
	IntervalCount  int32  `json:"intervalCount"`
}

// ContactTracingInfo groups keys of one transmission risk.
type ContactTracingInfo struct {
	TransmissionRisk int32          `json:"transmissionRisk"`
	ExposureKeys     []*ExposureKey `json:"exposureKeys"`
}

// ContactTracingResponse groups keys of one set of regions.
type ContactTracingResponse struct {
	RegionIdentifiers  []string              `json:"regionIdentifiers"`
	ContactTracingInfo []*ContactTracingInfo `json:"contactTracingInfo"`
}

// FederationFetchResponse answers a FederationFetchRequest.
type FederationFetchResponse struct {
	Response                  []*ContactTracingResponse `json:"response"`
	PartialResponse           bool                      `json:"partialResponse"`
	NextFetchToken            string                    `json:"nextFetchToken"`
	FetchResponseKeyTimestamp int64                     `json:"fetchResponseKeyTimestamp"`
}
