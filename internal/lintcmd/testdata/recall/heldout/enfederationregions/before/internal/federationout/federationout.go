// Package federationout answers other federation servers' requests for
// the exposure keys this server published.
//
// Reproduces, in our own words, the shape of
// google/exposure-notifications-server before
// https://github.com/google/exposure-notifications-server/pull/418 (commit
// cdd7b6b, "fixed map allocation"): on every fetch the server indexed the
// request's included and excluded regions in two maps made without a size
// hint, although each is filled from a slice of the request just before;
// the fix makes them with the slices' lengths. (The same change also sizes
// union's result slice, left as it was here.) Upstream serves gRPC behind
// an OIDC interceptor and reads PostgreSQL; here fetch requests are JSON
// over HTTP with a bearer token looked up in a table of partners.
package federationout

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sort"
	"strings"
	"time"

	"recall/heldout/enfederationregions/before/internal/pb"
	publishdb "recall/heldout/enfederationregions/before/internal/publish/database"
	publishmodel "recall/heldout/enfederationregions/before/internal/publish/model"
)

// Config is the server's configuration.
type Config struct {
	Timeout        time.Duration
	TruncateWindow time.Duration
}

// Authorization is what a federation partner may fetch.
type Authorization struct {
	Issuer         string
	IncludeRegions []string
	ExcludeRegions []string
}

type iterateExposuresFunc func(context.Context, publishdb.IterateExposuresCriteria, func(*publishmodel.Exposure) error) (string, error)

// Server answers fetch requests.
type Server struct {
	publishdb *publishdb.PublishDB
	config    *Config
}

// NewServer returns a server over db.
func NewServer(db *publishdb.PublishDB, config *Config) *Server {
	return &Server{publishdb: db, config: config}
}

type authKey struct{}

// WithAuthorization returns a context carrying a partner's authorization.
func WithAuthorization(ctx context.Context, a *Authorization) context.Context {
	return context.WithValue(ctx, authKey{}, a)
}

// Fetch answers one fetch request.
func (s *Server) Fetch(ctx context.Context, req *pb.FederationFetchRequest) (*pb.FederationFetchResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, s.config.Timeout)
	defer cancel()
	until := publishmodel.TruncateWindow(time.Now(), s.config.TruncateWindow)
	response, err := s.fetch(ctx, req, s.publishdb.IterateExposures, until)
	if err != nil {
		log.Printf("fetch error: %v", err)
		return nil, errors.New("internal error")
	}
	return response, nil
}

func (s *Server) fetch(ctx context.Context, req *pb.FederationFetchRequest, itFunc iterateExposuresFunc, fetchUntil time.Time) (*pb.FederationFetchResponse, error) {
	for i := range req.RegionIdentifiers {
		req.RegionIdentifiers[i] = strings.ToUpper(req.RegionIdentifiers[i])
	}
	for i := range req.ExcludeRegionIdentifiers {
		req.ExcludeRegionIdentifiers[i] = strings.ToUpper(req.ExcludeRegionIdentifiers[i])
	}

	if auth, ok := ctx.Value(authKey{}).(*Authorization); ok {
		req.RegionIdentifiers = intersect(req.RegionIdentifiers, auth.IncludeRegions)
		req.ExcludeRegionIdentifiers = union(req.ExcludeRegionIdentifiers, auth.ExcludeRegions)
	}

	criteria := publishdb.IterateExposuresCriteria{
		IncludeRegions:      req.RegionIdentifiers,
		ExcludeRegions:      req.ExcludeRegionIdentifiers,
		SinceTimestamp:      time.Unix(req.LastFetchResponseKeyTimestamp, 0),
		UntilTimestamp:      fetchUntil,
		LastCursor:          req.NextFetchToken,
		OnlyLocalProvenance: true,
	}

	// Filter included regions in memory.
	includedRegions := map[string]struct{}{} // want mapprealloc "."
	for _, region := range req.RegionIdentifiers {
		includedRegions[region] = struct{}{}
	}

	// Filter excluded regions in memory, using a map for efficiency.
	excludedRegions := map[string]struct{}{} // want mapprealloc "."
	for _, region := range req.ExcludeRegionIdentifiers {
		excludedRegions[region] = struct{}{}
	}

	ctrMap := map[string]*pb.ContactTracingResponse{}
	ctiMap := map[string]*pb.ContactTracingInfo{}
	response := &pb.FederationFetchResponse{}
	count := 0
	cursor, err := itFunc(ctx, criteria, func(inf *publishmodel.Exposure) error {
		if len(inf.ExposureKey) == 0 || len(inf.Regions) == 0 || !inf.LocalProvenance {
			return nil
		}

		skip := true
		for _, region := range inf.Regions {
			if _, excluded := excludedRegions[region]; !excluded {
				skip = false
				break
			}
		}
		if skip {
			return nil
		}

		if len(includedRegions) > 0 {
			skip = true
			for _, region := range inf.Regions {
				if _, included := includedRegions[region]; included {
					skip = false
					break
				}
			}
			if skip {
				return nil
			}
		}

		sort.Strings(inf.Regions)
		ctrKey := strings.Join(inf.Regions, "::")
		ctr := ctrMap[ctrKey]
		if ctr == nil {
			ctr = &pb.ContactTracingResponse{RegionIdentifiers: inf.Regions}
			ctrMap[ctrKey] = ctr
			response.Response = append(response.Response, ctr)
		}

		ctiKey := fmt.Sprintf("%s::%d", ctrKey, inf.TransmissionRisk)
		cti := ctiMap[ctiKey]
		if cti == nil {
			cti = &pb.ContactTracingInfo{TransmissionRisk: int32(inf.TransmissionRisk)}
			ctiMap[ctiKey] = cti
			ctr.ContactTracingInfo = append(ctr.ContactTracingInfo, cti)
		}

		cti.ExposureKeys = append(cti.ExposureKeys, &pb.ExposureKey{
			ExposureKey:    inf.ExposureKey,
			IntervalNumber: inf.IntervalNumber,
			IntervalCount:  inf.IntervalCount,
		})

		if created := inf.CreatedAt.Unix(); created > response.FetchResponseKeyTimestamp {
			response.FetchResponseKeyTimestamp = created
		}
		count++
		return nil
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			response.PartialResponse = true
			response.NextFetchToken = cursor
		} else {
			return nil, err
		}
	}
	log.Printf("sent %d keys", count)
	return response, nil
}

func intersect(aa, bb []string) []string {
	if len(aa) == 0 || len(bb) == 0 {
		return nil
	}
	var result []string
	for _, a := range aa {
		for _, b := range bb {
			if a == b {
				result = append(result, a)
				break
			}
		}
	}
	return result
}

func union(aa, bb []string) []string {
	if len(aa) == 0 {
		return bb
	}
	if len(bb) == 0 {
		return aa
	}
	m := map[string]struct{}{}
	for _, a := range aa {
		m[a] = struct{}{}
	}
	for _, b := range bb {
		m[b] = struct{}{}
	}
	var result []string
	for k := range m {
		result = append(result, k)
	}
	sort.Strings(result)
	return result
}
