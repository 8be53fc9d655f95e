// Command kubevalidate validates Kubernetes manifests offline with the
// Kubernetes API server's own code, pinned by go.mod (k8s.io/kubernetes):
//
//  1. strict decoding into the versioned Go types, as the API server does with
//     fieldValidation=Strict: unknown fields, duplicate fields and wrong types
//     are errors;
//  2. the API server's defaulting and conversion to the internal types;
//  3. the registry create strategy of the kind (rest.BeforeCreate: object meta
//     and the kind's full validation, e.g. a Deployment without containers, a
//     bad label selector, an invalid port or quantity);
//  4. optionally (-policy) Liaison's own rules on workloads: resources,
//     security context, service account tokens and probes.
//
// It needs no cluster and no network. Input: multi-document YAML files (for
// example `helm template` output), "-" for standard input.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	sigsyaml "sigs.k8s.io/yaml"

	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"

	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"k8s.io/kubernetes/pkg/registry/core/service"
	"k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	"k8s.io/kubernetes/pkg/registry/networking/ingress"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	"k8s.io/kubernetes/pkg/registry/rbac/role"
	"k8s.io/kubernetes/pkg/registry/rbac/rolebinding"
)

// strategies maps every kind this tool accepts to the API server's create
// strategy for it. Any other kind is an error: nothing passes unvalidated.
var strategies = map[schema.GroupKind]rest.RESTCreateStrategy{
	{Group: "", Kind: "ConfigMap"}:                            configmap.Strategy,
	{Group: "", Kind: "PersistentVolumeClaim"}:                persistentvolumeclaim.Strategy,
	{Group: "", Kind: "Secret"}:                               secret.Strategy,
	{Group: "", Kind: "Service"}:                              service.Strategy,
	{Group: "", Kind: "ServiceAccount"}:                       serviceaccount.Strategy,
	{Group: "apps", Kind: "Deployment"}:                       deployment.Strategy,
	{Group: "apps", Kind: "StatefulSet"}:                      statefulset.Strategy,
	{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:   horizontalpodautoscaler.Strategy,
	{Group: "batch", Kind: "CronJob"}:                         cronjob.Strategy,
	{Group: "batch", Kind: "Job"}:                             job.Strategy,
	{Group: "networking.k8s.io", Kind: "Ingress"}:             ingress.Strategy,
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:       networkpolicy.Strategy,
	{Group: "policy", Kind: "PodDisruptionBudget"}:            poddisruptionbudget.Strategy,
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:        role.Strategy,
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}: rolebinding.Strategy,
}

// servedVersions are the group versions Kubernetes 1.34 serves by default
// for the kinds above (the scheme also knows removed betas such as
// policy/v1beta1, which a cluster would reject).
var servedVersions = map[schema.GroupVersion]bool{
	{Group: "", Version: "v1"}:                          true,
	{Group: "apps", Version: "v1"}:                      true,
	{Group: "autoscaling", Version: "v1"}:               true,
	{Group: "autoscaling", Version: "v2"}:               true,
	{Group: "batch", Version: "v1"}:                     true,
	{Group: "networking.k8s.io", Version: "v1"}:         true,
	{Group: "policy", Version: "v1"}:                    true,
	{Group: "rbac.authorization.k8s.io", Version: "v1"}: true,
}

func served() string {
	var s []string
	for gv := range servedVersions {
		s = append(s, gv.String())
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

var strictCodecs = serializer.NewCodecFactory(legacyscheme.Scheme, serializer.EnableStrict)

type document struct {
	source string // file#index, plus helm's "# Source:" when present
	data   []byte
}

func main() {
	policy := flag.Bool("policy", false, "also enforce Liaison's workload policy")
	namespace := flag.String("namespace", "default", "namespace assumed for namespaced objects that set none")
	quiet := flag.Bool("q", false, "print only failures and the summary")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: kubevalidate [-policy] [-namespace NS] [-q] FILE|- ...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}

	var docs []document
	for _, name := range flag.Args() {
		d, err := readDocuments(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kubevalidate: %s: %v\n", name, err)
			os.Exit(1)
		}
		docs = append(docs, d...)
	}

	valid, failed := 0, 0
	for _, doc := range docs {
		id, problems := validate(doc, *namespace, *policy)
		if id == "" { // empty document
			continue
		}
		if len(problems) > 0 {
			failed++
			fmt.Printf("FAIL %s (%s)\n", id, doc.source)
			for _, p := range problems {
				fmt.Printf("    - %s\n", p)
			}
			continue
		}
		valid++
		if !*quiet {
			fmt.Printf("ok   %s\n", id)
		}
	}
	if failed > 0 {
		fmt.Printf("kubevalidate: %d of %d manifests invalid\n", failed, failed+valid)
		os.Exit(1)
	}
	if valid == 0 {
		fmt.Println("kubevalidate: no manifests found")
		os.Exit(1)
	}
	fmt.Printf("kubevalidate: %d manifests valid\n", valid)
}

func readDocuments(name string) ([]document, error) {
	var r io.Reader
	if name == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var docs []document
	for i := 0; ; i++ {
		data, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		source := fmt.Sprintf("%s#%d", name, i)
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "# Source: ") {
				source += " " + strings.TrimPrefix(line, "# Source: ")
				break
			}
		}
		docs = append(docs, document{source: source, data: data})
	}
}

// validate returns "Kind/name" (empty for an empty document) and the problems found.
func validate(doc document, namespace string, policy bool) (string, []string) {
	// YAMLToJSONStrict rejects duplicate keys, like the API server's strict mode.
	js, err := sigsyaml.YAMLToJSONStrict(doc.data)
	if err != nil {
		return "?", []string{"YAML: " + err.Error()}
	}
	js = bytes.TrimSpace(js)
	if len(js) == 0 || string(js) == "null" {
		return "", nil
	}
	var head struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        struct {
			Name         string `json:"name"`
			GenerateName string `json:"generateName"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(js, &head); err != nil {
		return "?", []string{"not a Kubernetes object: " + err.Error()}
	}
	id := head.Kind + "/" + head.Metadata.Name
	if head.Kind == "" || head.APIVersion == "" {
		return id, []string{"apiVersion and kind are required"}
	}
	gvk := schema.FromAPIVersionAndKind(head.APIVersion, head.Kind)
	if !legacyscheme.Scheme.Recognizes(gvk) {
		return id, []string{fmt.Sprintf("unknown apiVersion/kind %s %s (not served by Kubernetes %s)", head.APIVersion, head.Kind, kubeVersion())}
	}
	if !servedVersions[gvk.GroupVersion()] {
		return id, []string{fmt.Sprintf("apiVersion %s is not served by Kubernetes %s by default (removed or not GA); use one of %s", head.APIVersion, kubeVersion(), served())}
	}
	strategy, ok := strategies[gvk.GroupKind()]
	if !ok {
		return id, []string{fmt.Sprintf("kind %s is recognised but kubevalidate has no create strategy for it; add one in scripts/check-chart.d/main.go", gvk.GroupKind())}
	}

	// 1. Strict decoding into the versioned type.
	versioned, _, err := strictCodecs.UniversalDeserializer().Decode(js, &gvk, nil)
	if err != nil {
		return id, []string{"decode: " + err.Error()}
	}

	var problems []string
	if policy {
		problems = append(problems, checkPolicy(versioned)...)
	}

	// 2. Defaulting and conversion to the internal version, as on create.
	defaulted := versioned.DeepCopyObject()
	legacyscheme.Scheme.Default(defaulted)
	internal, err := legacyscheme.Scheme.ConvertToVersion(defaulted, schema.GroupVersion{Group: gvk.Group, Version: runtime.APIVersionInternal})
	if err != nil {
		return id, append(problems, "convert: "+err.Error())
	}

	// 3. The kind's create strategy: PrepareForCreate, Validate, object meta.
	ctx := genericapirequest.NewContext()
	accessor, err := meta.Accessor(internal)
	if err != nil {
		return id, append(problems, err.Error())
	}
	rest.FillObjectMetaSystemFields(accessor) // done by the create handler
	if strategy.NamespaceScoped() {
		ns := accessor.GetNamespace()
		if ns == "" {
			ns = namespace
			accessor.SetNamespace(ns)
		}
		ctx = genericapirequest.WithNamespace(ctx, ns)
	}
	prepareLikeRESTStorage(internal)
	if err := rest.BeforeCreate(strategy, ctx, internal); err != nil {
		problems = append(problems, describe(err)...)
	}
	return id, problems
}

func describe(err error) []string {
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Details != nil && len(status.Status().Details.Causes) > 0 {
		var out []string
		for _, c := range status.Status().Details.Causes {
			out = append(out, fmt.Sprintf("%s: %s", c.Field, c.Message))
		}
		sort.Strings(out)
		return out
	}
	return []string{err.Error()}
}

func kubeVersion() string { return "1.34" }
