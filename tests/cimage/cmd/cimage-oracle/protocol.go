package main

// The JSON of requests and answers (see the package comment).

type request struct {
	Op             string  `json:"op"`
	Conf           *string `json:"conf"`
	ConfDir        *string `json:"confDir"`
	Root           *string `json:"root"`
	Home           *string `json:"home"`
	Image          *string `json:"image"`
	Lookup         *string `json:"lookup"`
	Key            *string `json:"key"`
	AuthFile       *string `json:"authFile"`
	LegacyAuthFile *string `json:"legacyAuthFile"`
	Repeat         int     `json:"repeat"`
}

type endpointJSON struct {
	Location       string `json:"location"`
	Insecure       bool   `json:"insecure"`
	PullFromMirror string `json:"pullFromMirror"`
}

type registryJSON struct {
	Prefix             string `json:"prefix"`
	Location           string `json:"location"`
	Insecure           bool   `json:"insecure"`
	Blocked            bool   `json:"blocked"`
	MirrorByDigestOnly bool   `json:"mirrorByDigestOnly"`
	PullFromMirror     string `json:"pullFromMirror"`
}

type sourceJSON struct {
	Reference string `json:"reference"`
	Name      string `json:"name"`
	Location  string `json:"location"`
	Insecure  bool   `json:"insecure"`
	// Why the docker transport refuses this source before any network access; nil when it would connect.
	Refused *string `json:"refused"`
}

type resolution struct {
	Registry *registryJSON  `json:"registry"`
	Mirrors  []endpointJSON `json:"mirrors"`
	// PullSourcesFromReference's error; the transport then tries nothing.
	SourcesError *string `json:"sourcesError,omitempty"`
	// Absent for a "lookup" request.
	Sources []sourceJSON `json:"sources,omitempty"`
}

type failure struct {
	Error string `json:"error"`
}

type imageFailure struct {
	ImageError string `json:"imageError"`
}

type credential struct {
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identityToken"`
}
