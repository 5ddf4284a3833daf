variable "environment" {
  description = "Which overlay of infra/k8s/overlays to deploy: staging or production."
  type        = string
  default     = "production"

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "namespace" {
  description = "Kubernetes namespace OPEN runs in (created by the module, labelled for the restricted pod security standard)."
  type        = string
  default     = "open"
}

variable "host" {
  description = "Public host name of the web app and the API (the Ingress rule and OPEN_PUBLIC_URL / OPEN_APP_URL)."
  type        = string
}

variable "tls_secret_name" {
  description = "Name of the kubernetes.io/tls Secret the Ingress serves (made by cert-manager or by hand)."
  type        = string
  default     = "open-tls"
}

variable "ingress_class_name" {
  description = "IngressClass of the cluster's ingress controller."
  type        = string
  default     = "nginx"
}

variable "platform_image" {
  description = "Repository of the platform image (infra/docker/platform.Dockerfile)."
  type        = string
  default     = "ghcr.io/open-workflows/open-platform"
}

variable "spa_image" {
  description = "Repository of the web app image (infra/docker/spa.Dockerfile)."
  type        = string
  default     = "ghcr.io/open-workflows/open-spa"
}

variable "image_tag" {
  description = "Tag of both images (the OPEN release)."
  type        = string
}

variable "database_url" {
  description = "PostgreSQL connection URL (postgresql://user:password@host:5432/db), e.g. a managed database's."
  type        = string
  sensitive   = true
}

variable "redis_url" {
  description = "Redis URL of the execution queue (redis:// or rediss://), e.g. a managed Redis's."
  type        = string
  sensitive   = true
}

variable "secret_key" {
  description = "OPEN_SECRET_KEY signing tokens, at least 32 bytes; null makes a random 64-character one kept in the state."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.secret_key == null || length(coalesce(var.secret_key, "x")) >= 32
    error_message = "secret_key must be at least 32 characters long."
  }
}

variable "extra_config" {
  description = "More non-secret OPEN_* settings for every platform pod (merged into the open-config ConfigMap)."
  type        = map(string)
  default     = {}
}

variable "worker_max_replicas" {
  description = "Upper bound of the worker HorizontalPodAutoscaler; null keeps the overlay's."
  type        = number
  default     = null
}
