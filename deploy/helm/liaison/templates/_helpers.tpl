{{/* Chart name. */}}
{{- define "liaison.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-wide name prefix: <release>-liaison, or the release name if it contains the chart name. */}}
{{- define "liaison.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "liaison.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of one component (a service or a dependency). dict: root, name */}}
{{- define "liaison.componentName" -}}
{{- printf "%s-%s" (include "liaison.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of a component. dict: root, name */}}
{{- define "liaison.selectorLabels" -}}
app.kubernetes.io/name: {{ include "liaison.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* All labels of a component. dict: root, name, kind (grpc|http|dependency, optional) */}}
{{- define "liaison.labels" -}}
helm.sh/chart: {{ include "liaison.chart" .root }}
{{ include "liaison.selectorLabels" . }}
app.kubernetes.io/part-of: liaison
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .kind }}
liaison.io/kind: {{ . }}
{{- end }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels matching every pod of the release (NetworkPolicy peers). */}}
{{- define "liaison.releasePodLabels" -}}
app.kubernetes.io/name: {{ include "liaison.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The values of one service: serviceDefaults deep-merged with services.<name>, as YAML
(use with fromYaml). dict: root, name
*/}}
{{- define "liaison.service" -}}
{{- $raw := index .root.Values.services .name }}
{{- $svc := mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy $raw) }}
{{- toYaml $svc }}
{{- end }}

{{/* Image reference of a service. dict: root, svc */}}
{{- define "liaison.image" -}}
{{- $repo := required "services.<name>.image.repository is required" .svc.image.repository }}
{{- with .root.Values.image.registry }}{{ $repo = printf "%s/%s" (trimSuffix "/" .) $repo }}{{ end }}
{{- $tag := .svc.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- if hasPrefix "sha256:" $tag }}
{{- printf "%s@%s" $repo $tag }}
{{- else }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}
{{- end }}

{{/* customer -> CUSTOMER, sales-pipeline -> SALES_PIPELINE */}}
{{- define "liaison.envPrefix" -}}
{{- . | upper | replace "-" "_" | replace "." "_" }}
{{- end }}

{{/* Database name of a service: sales-pipeline -> sales_pipeline */}}
{{- define "liaison.databaseName" -}}
{{- . | replace "-" "_" | replace "." "_" }}
{{- end }}

{{/* Comma-separated Kafka bootstrap servers. */}}
{{- define "liaison.kafkaBrokers" -}}
{{- if .Values.kafka.enabled }}
{{- printf "%s:9092" (include "liaison.componentName" (dict "root" . "name" "kafka")) }}
{{- else if .Values.externalKafka.brokers }}
{{- join "," .Values.externalKafka.brokers }}
{{- else }}
{{- fail "Kafka: set kafka.enabled=true or externalKafka.brokers" }}
{{- end }}
{{- end }}

{{/* OIDC issuer URL. */}}
{{- define "liaison.oidcIssuer" -}}
{{- if .Values.keycloak.enabled }}
{{- if .Values.keycloak.hostname }}
{{- printf "%s/realms/%s" (trimSuffix "/" .Values.keycloak.hostname) .Values.keycloak.realm }}
{{- else }}
{{- printf "http://%s:8080/realms/%s" (include "liaison.componentName" (dict "root" . "name" "keycloak")) .Values.keycloak.realm }}
{{- end }}
{{- else if .Values.externalKeycloak.issuer }}
{{- .Values.externalKeycloak.issuer }}
{{- else }}
{{- fail "OIDC: set keycloak.enabled=true or externalKeycloak.issuer" }}
{{- end }}
{{- end }}

{{/* Name of the Secret holding the OIDC client secret. */}}
{{- define "liaison.oidcSecretName" -}}
{{- .Values.config.oidc.clientSecret.existingSecret | default (include "liaison.componentName" (dict "root" . "name" "oidc")) }}
{{- end }}

{{/*
A secret value that survives upgrades: the given value, else the one already in the
cluster, else a new random one. dict: root, secret (name), key, value
*/}}
{{- define "liaison.secretValue" -}}
{{- if .value }}
{{- .value }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key | b64dec }}
{{- else }}
{{- randAlphaNum 32 }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Password of an in-chart dependency (postgresql, mongodb: .password; keycloak: .admin.password),
computed once per render so that every Secret using it agrees. dict: root, name
*/}}
{{- define "liaison.dependencyPassword" -}}
{{- $v := index .root.Values .name }}
{{- if not (hasKey $v "__password") }}
{{- $given := "" }}
{{- if eq .name "keycloak" }}{{ $given = $v.admin.password }}{{ else }}{{ $given = $v.password }}{{ end }}
{{- $secret := include "liaison.componentName" (dict "root" .root "name" .name) }}
{{- $_ := set $v "__password" (include "liaison.secretValue" (dict "root" .root "secret" $secret "key" "password" "value" $given)) }}
{{- end }}
{{- index $v "__password" }}
{{- end }}

{{/*
Where a service's database URL comes from: a dict (as YAML) with secret and key.
dict: root, name, svc
*/}}
{{- define "liaison.databaseSecretRef" -}}
{{- $root := .root }}
{{- if eq .svc.database "postgres" }}
{{- if $root.Values.postgresql.enabled }}
secret: {{ include "liaison.componentName" (dict "root" $root "name" (printf "%s-db" .name)) }}
key: url
{{- else if $root.Values.externalPostgresql.existingSecret }}
secret: {{ $root.Values.externalPostgresql.existingSecret }}
key: {{ .name }}
{{- else if $root.Values.externalPostgresql.url }}
secret: {{ include "liaison.componentName" (dict "root" $root "name" (printf "%s-db" .name)) }}
key: url
{{- else }}
{{- fail (printf "service %s uses PostgreSQL: set postgresql.enabled=true, externalPostgresql.url or externalPostgresql.existingSecret" .name) }}
{{- end }}
{{- else if eq .svc.database "mongodb" }}
{{- if $root.Values.mongodb.enabled }}
secret: {{ include "liaison.componentName" (dict "root" $root "name" (printf "%s-db" .name)) }}
key: url
{{- else if $root.Values.externalMongodb.existingSecret }}
secret: {{ $root.Values.externalMongodb.existingSecret }}
key: {{ .name }}
{{- else if $root.Values.externalMongodb.url }}
secret: {{ include "liaison.componentName" (dict "root" $root "name" (printf "%s-db" .name)) }}
key: url
{{- else }}
{{- fail (printf "service %s uses MongoDB: set mongodb.enabled=true, externalMongodb.url or externalMongodb.existingSecret" .name) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Pod security context shared by Liaison's services. */}}
{{- define "liaison.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container security context. dict: uid */}}
{{- define "liaison.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid | default 1000 }}
runAsGroup: {{ .uid | default 1000 }}
readOnlyRootFilesystem: {{ if hasKey . "readOnlyRootFilesystem" }}{{ .readOnlyRootFilesystem }}{{ else }}true{{ end }}
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Pod security context of a dependency. dict: uid */}}
{{- define "liaison.dependencyPodSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* volumeClaimTemplates (persistence.enabled) of a dependency. dict: root, persistence */}}
{{- define "liaison.volumeClaimTemplates" -}}
{{- if .persistence.enabled }}
volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      {{- with .persistence.storageClass }}
      storageClassName: {{ if eq . "-" }}""{{ else }}{{ . }}{{ end }}
      {{- end }}
      resources:
        requests:
          storage: {{ .persistence.size }}
{{- end }}
{{- end }}

{{/* NetworkPolicy peer: the release's own service pods (gateway and backend services). */}}
{{- define "liaison.servicePeer" -}}
- podSelector:
    matchLabels:
      {{- include "liaison.releasePodLabels" . | nindent 6 }}
    matchExpressions:
      - key: liaison.io/kind
        operator: In
        values: [grpc, http]
{{- end }}
