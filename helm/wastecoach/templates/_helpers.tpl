{{/* Chart name */}}
{{- define "wastecoach.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-wide prefix: "wastecoach" for a release named wastecoach */}}
{{- define "wastecoach.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "wastecoach.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "wastecoach.labels" -}}
helm.sh/chart: {{ include "wastecoach.chart" . }}
app.kubernetes.io/name: {{ include "wastecoach.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: wastecoach
{{- end -}}

{{- define "wastecoach.instanceSelector" -}}
app.kubernetes.io/name: {{ include "wastecoach.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Component helpers take a dict: root, name, c (the component values) */}}
{{- define "wastecoach.componentFullname" -}}
{{- printf "%s-%s" (include "wastecoach.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "wastecoach.componentSelector" -}}
{{ include "wastecoach.instanceSelector" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "wastecoach.componentLabels" -}}
{{ include "wastecoach.labels" .root }}
app.kubernetes.io/component: {{ .name }}
wastecoach.io/type: {{ .c.type }}
{{- end -}}

{{- define "wastecoach.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "wastecoach.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "wastecoach.secretName" -}}
{{- default (printf "%s-secrets" (include "wastecoach.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "wastecoach.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Non-secret settings as a name -> value dict (ConfigMap data, and the migration hook's env) */}}
{{- define "wastecoach.configData" -}}
{{- $c := .Values.config -}}
WASTECOACH_ENV: {{ $c.env | quote }}
WASTECOACH_S3_BUCKET: {{ $c.s3Bucket | quote }}
WASTECOACH_S3_REGION: {{ $c.s3Region | quote }}
{{- with $c.s3EndpointUrl }}
WASTECOACH_S3_ENDPOINT_URL: {{ . | quote }}
{{- end }}
{{- with $c.openaiBaseUrl }}
WASTECOACH_OPENAI_BASE_URL: {{ . | quote }}
{{- end }}
WASTECOACH_VISION_OPENAI_MODEL: {{ $c.visionOpenaiModel | quote }}
WASTECOACH_COACH_OPENAI_MODEL: {{ $c.coachOpenaiModel | quote }}
WASTECOACH_METRICS_PORT: "9464"
WASTECOACH_LOG_JSON: "true"
WASTECOACH_KAKAO_CLIENT_ID: {{ $c.kakaoClientId | quote }}
WASTECOACH_NAVER_CLIENT_ID: {{ $c.naverClientId | quote }}
WASTECOACH_GOOGLE_CLIENT_ID: {{ $c.googleClientId | quote }}
{{- with $c.kakaoAppId }}
{{- /* YAML numbers arrive as float64: 1001234 would print as 1.001234e+06 */}}
WASTECOACH_KAKAO_APP_ID: {{ if kindIs "string" . }}{{ . | quote }}{{ else }}{{ . | int64 | toString | quote }}{{ end }}
{{- end }}
WASTECOACH_GOOGLE_SDK_CLIENT_IDS: {{ $c.googleSdkClientIds | default list | toJson | quote }}
WASTECOACH_NAVER_ACCEPT_SDK_TOKENS: {{ $c.naverAcceptSdkTokens | default false | toString | quote }}
WASTECOACH_FORWARDED_ALLOW_IPS: {{ $c.forwardedAllowIps | default "127.0.0.1" | quote }}
WASTECOACH_HTTP_KEEPALIVE_S: {{ add ($c.loadBalancerIdleTimeoutS | default 120 | int64) 5 | toString | quote }}
{{- range $svc := list "auth" "users" "waste" "coach" "locations" }}
{{- $comp := index $.Values.components $svc }}
{{- if $comp }}
WASTECOACH_{{ upper $svc }}_ADDR: {{ printf "%s:%v" (include "wastecoach.componentFullname" (dict "root" $ "name" $svc)) $comp.port | quote }}
{{- end }}
{{- end }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ .Values.otel.endpoint | quote }}
{{- range $k, $v := $c.extra }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* Downward-API and OpenTelemetry env for one workload: dict root, name */}}
{{- define "wastecoach.podEnv" -}}
- name: K8S_POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: K8S_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: K8S_NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: OTEL_SERVICE_NAME
  value: {{ printf "%s-%s" .root.Values.otel.serviceNamePrefix .name | quote }}
{{- $attrs := list }}
{{- range $k, $v := .root.Values.otel.resourceAttributes }}
{{- $attrs = append $attrs (printf "%s=%s" $k $v) }}
{{- end }}
{{- $attrs = concat $attrs (list "k8s.namespace.name=$(K8S_NAMESPACE)" "k8s.pod.name=$(K8S_POD_NAME)" "k8s.node.name=$(K8S_NODE_NAME)" (printf "service.instance.id=$(K8S_POD_NAME)")) }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ join "," $attrs | quote }}
{{- end -}}

{{/* The probes of a component, by type (a component may override with probes: {readiness, liveness, startup}) */}}
{{- define "wastecoach.probes" -}}
{{- $c := .c -}}
{{- if $c.probes -}}
{{ toYaml $c.probes }}
{{- else if eq $c.type "grpc" -}}
startupProbe:
  grpc:
    port: {{ $c.port }}
  periodSeconds: 2
  failureThreshold: 30
readinessProbe:
  grpc:
    port: {{ $c.port }}
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 3
livenessProbe:
  grpc:
    port: {{ $c.port }}
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
{{- else if eq $c.type "edge" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 2
  failureThreshold: 30
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 3
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
{{- else if eq $c.type "scheduler" -}}
{{- /* the scheduler serves only /metrics: a TCP check on that port */}}
startupProbe:
  tcpSocket:
    port: metrics
  periodSeconds: 2
  failureThreshold: 30
readinessProbe:
  tcpSocket:
    port: metrics
  periodSeconds: 10
livenessProbe:
  tcpSocket:
    port: metrics
  periodSeconds: 15
  failureThreshold: 3
{{- else -}}
startupProbe:
  httpGet:
    path: /healthz
    port: metrics
  periodSeconds: 2
  failureThreshold: 30
readinessProbe:
  httpGet:
    path: /readyz
    port: metrics
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
livenessProbe:
  httpGet:
    path: /healthz
    port: metrics
  periodSeconds: 15
  timeoutSeconds: 2
  failureThreshold: 3
{{- end -}}
{{- end -}}

{{/* checkov skips shared by every workload, with the reason (checkov reads metadata.annotations) */}}
{{- define "wastecoach.checkovSkips" -}}
checkov.io/skip1: CKV_K8S_35=settings are read from the environment (pydantic BaseSettings); the Secret is mounted with envFrom, never baked into the image
checkov.io/skip2: CKV_K8S_43=the image is pinned by digest when image.digest is set; tags are immutable release tags in our registry
{{- end -}}
