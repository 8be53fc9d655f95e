package main

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	api "k8s.io/kubernetes/pkg/apis/core"
)

// Labels and annotations the Liaison chart puts on workloads.
const (
	// kindLabel is "grpc" (backend service), "http" (gateway) or "dependency"
	// (an in-chart PostgreSQL, Kafka, MongoDB or Keycloak).
	kindLabel = "liaison.io/kind"
	// writableRootAnnotation on a pod template exempts it from
	// readOnlyRootFilesystem; its value must say why. Only dependencies may use it.
	writableRootAnnotation = "liaison.io/writable-root-filesystem"
	grpcPort               = 50051
)

// checkPolicy enforces Liaison's workload rules on a versioned object.
func checkPolicy(obj runtime.Object) []string {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return checkWorkload("Deployment", o.Labels, &o.Spec.Template)
	case *appsv1.StatefulSet:
		return checkWorkload("StatefulSet", o.Labels, &o.Spec.Template)
	case *batchv1.Job:
		return checkWorkload("Job", o.Labels, &o.Spec.Template)
	case *batchv1.CronJob:
		return checkWorkload("CronJob", o.Labels, &o.Spec.JobTemplate.Spec.Template)
	case *corev1.ServiceAccount:
		if o.AutomountServiceAccountToken == nil || *o.AutomountServiceAccountToken {
			return []string{"policy: ServiceAccount must set automountServiceAccountToken: false"}
		}
	}
	return nil
}

func checkWorkload(kind string, labels map[string]string, tpl *corev1.PodTemplateSpec) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, "policy: "+fmt.Sprintf(format, args...)) }

	wkind := labels[kindLabel]
	switch wkind {
	case "grpc", "http", "dependency":
	default:
		add("%s must carry label %s=grpc|http|dependency (got %q)", kind, kindLabel, wkind)
	}
	if tpl.Labels[kindLabel] != wkind {
		add("pod template label %s must match the %s's (%q)", kindLabel, kind, wkind)
	}
	reason, writableRoot := tpl.Annotations[writableRootAnnotation]
	if writableRoot && (wkind != "dependency" || reason == "") {
		add("annotation %s is only for dependencies and must give a reason", writableRootAnnotation)
	}

	spec := &tpl.Spec
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		add("pod must set automountServiceAccountToken: false")
	}
	if spec.ServiceAccountName == "" || spec.ServiceAccountName == "default" {
		add("pod must use its own ServiceAccount")
	}
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		add("pod must not use host namespaces")
	}
	psc := spec.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}

	containers := append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
	if len(containers) == 0 {
		add("pod has no containers")
	}
	for _, c := range containers {
		name := "container " + c.Name
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if q, ok := c.Resources.Requests[r]; !ok || q.IsZero() {
				add("%s: resources.requests.%s is required", name, r)
			}
		}
		if q, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok || q.IsZero() {
			add("%s: resources.limits.memory is required", name)
		}
		if q, ok := c.Resources.Limits[corev1.ResourceCPU]; !ok || q.IsZero() {
			add("%s: resources.limits.cpu is required", name)
		}

		sc := c.SecurityContext
		if sc == nil {
			sc = &corev1.SecurityContext{}
		}
		nonRoot := psc.RunAsNonRoot
		if sc.RunAsNonRoot != nil {
			nonRoot = sc.RunAsNonRoot
		}
		if nonRoot == nil || !*nonRoot {
			add("%s: runAsNonRoot must be true", name)
		}
		uid := psc.RunAsUser
		if sc.RunAsUser != nil {
			uid = sc.RunAsUser
		}
		if uid == nil || *uid == 0 {
			add("%s: runAsUser must be set to a non-zero UID", name)
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			if !writableRoot {
				add("%s: readOnlyRootFilesystem must be true", name)
			}
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			add("%s: allowPrivilegeEscalation must be false", name)
		}
		if sc.Privileged != nil && *sc.Privileged {
			add("%s: must not be privileged", name)
		}
		dropAll := false
		if sc.Capabilities != nil {
			for _, d := range sc.Capabilities.Drop {
				if d == "ALL" {
					dropAll = true
				}
			}
			if len(sc.Capabilities.Add) > 0 {
				add("%s: must not add capabilities", name)
			}
		}
		if !dropAll {
			add("%s: capabilities.drop must include ALL", name)
		}
		seccomp := psc.SeccompProfile
		if sc.SeccompProfile != nil {
			seccomp = sc.SeccompProfile
		}
		if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
			add("%s: seccompProfile.type must be RuntimeDefault", name)
		}
	}

	// Probes of the application container (the first one).
	if len(spec.Containers) > 0 {
		c := spec.Containers[0]
		switch wkind {
		case "grpc":
			for what, probe := range map[string]*corev1.Probe{"livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe} {
				if probe == nil || probe.GRPC == nil || probe.GRPC.Port != grpcPort {
					add("container %s: backend %s must be a native gRPC probe on port %d", c.Name, what, grpcPort)
				}
			}
		case "http":
			for what, probe := range map[string]*corev1.Probe{"livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe} {
				if probe == nil || probe.HTTPGet == nil {
					add("container %s: gateway %s must be an httpGet probe", c.Name, what)
				}
			}
		case "dependency":
			if c.ReadinessProbe == nil {
				add("container %s: readinessProbe is required", c.Name)
			}
		}
	}
	return p
}

// prepareLikeRESTStorage fills in what the API server's REST storage sets
// before the create strategy runs (it is not part of the strategy): for a
// Service, the IP families and cluster IP allocation.
func prepareLikeRESTStorage(obj runtime.Object) {
	svc, ok := obj.(*api.Service)
	if !ok || svc.Spec.Type == api.ServiceTypeExternalName {
		return
	}
	if svc.Spec.IPFamilyPolicy == nil {
		single := api.IPFamilyPolicySingleStack
		svc.Spec.IPFamilyPolicy = &single
	}
	if len(svc.Spec.IPFamilies) == 0 {
		svc.Spec.IPFamilies = []api.IPFamily{api.IPv4Protocol}
	}
	if svc.Spec.ClusterIP == "" {
		svc.Spec.ClusterIP = "10.96.0.42"
	}
	if len(svc.Spec.ClusterIPs) == 0 {
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	}
}
