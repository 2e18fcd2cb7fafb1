module crio-credential-provider.test/ignition

go 1.26

require (
	github.com/coreos/ignition/v2 v2.20.0
	github.com/vincent-petithory/dataurl v1.0.0
	k8s.io/apimachinery v0.34.4
)

require (
	github.com/aws/aws-sdk-go v1.55.5 // indirect
	github.com/coreos/go-json v0.0.0-20230131223807-18775e0fb4fb // indirect
	github.com/coreos/go-semver v0.3.1 // indirect
	github.com/coreos/go-systemd/v22 v22.6.0 // indirect
	github.com/coreos/vcontext v0.0.0-20230201181013-d72178a18687 // indirect
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	sigs.k8s.io/json v0.0.0-20241014173422-cfa47c3a1cc8 // indirect
	sigs.k8s.io/yaml v1.6.0 // indirect
)
