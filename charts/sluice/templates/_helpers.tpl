{{/* Names, labels and the checks shared by the templates. */}}

{{/* The chart name part of object names. */}}
{{- define "sluice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of object names: the release name, with the chart name unless it holds it. */}}
{{- define "sluice.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "sluice.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The operator's Deployment, Service, Role... ("sluice-operator" for a release "sluice"). */}}
{{- define "sluice.operator.fullname" -}}
{{- printf "%s-operator" (include "sluice.fullname" . | trunc 54 | trimSuffix "-") -}}
{{- end -}}

{{- define "sluice.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sluice.operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The namespace whose SluiceClusters are reconciled; empty when cluster-wide. */}}
{{- define "sluice.watchNamespace" -}}
{{- if .Values.rbac.clusterWide -}}
{{- if .Values.watchNamespace -}}
{{- fail "watchNamespace must be empty when rbac.clusterWide is true (the operator then watches every namespace)" -}}
{{- end -}}
{{- else -}}
{{- default .Release.Namespace .Values.watchNamespace -}}
{{- end -}}
{{- end -}}

{{/* Where the Lease lives: the watched namespace, or the release namespace when cluster-wide. */}}
{{- define "sluice.leaseNamespace" -}}
{{- if .Values.rbac.clusterWide -}}
{{- .Release.Namespace -}}
{{- else -}}
{{- include "sluice.watchNamespace" . -}}
{{- end -}}
{{- end -}}

{{/* The operator image: repository:tag (tag defaults to appVersion) or repository@digest. */}}
{{- define "sluice.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
Selector labels of the operator. app.kubernetes.io/name is "sluice-operator": the ServiceMonitor
takes the job label from it (job="sluice-operator"), as broker pods carry
app.kubernetes.io/name=sluice-broker (job="sluice-broker").
*/}}
{{- define "sluice.operator.selectorLabels" -}}
app.kubernetes.io/name: sluice-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object the chart makes. */}}
{{- define "sluice.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "sluice.operator.selectorLabels" . }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: sluice
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Labels of the monitoring objects: the common ones plus monitoring.labels. */}}
{{- define "sluice.monitoringLabels" -}}
{{- $labels := fromYaml (include "sluice.labels" .) -}}
{{- $labels = merge $labels (deepCopy (.Values.monitoring.labels | default dict)) -}}
{{- toYaml $labels -}}
{{- end -}}

{{/* Fails the render on combinations the schema cannot express. */}}
{{- define "sluice.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) -}}
{{- fail "replicaCount > 1 needs leaderElection.enabled: replicas would reconcile the same objects at once" -}}
{{- end -}}
{{- if not (lt (int .Values.leaderElection.renewDeadlineSeconds) (int .Values.leaderElection.leaseDurationSeconds)) -}}
{{- fail "leaderElection.renewDeadlineSeconds must be less than leaderElection.leaseDurationSeconds" -}}
{{- end -}}
{{- if eq (int .Values.metrics.port) (int .Values.health.port) -}}
{{- fail "metrics.port and health.port must differ" -}}
{{- end -}}
{{- end -}}
