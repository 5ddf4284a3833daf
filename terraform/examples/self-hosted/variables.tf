variable "kubeconfig_path" {
  description = "Path of the kubeconfig file of the target cluster."
  type        = string
  default     = "~/.kube/config"
}

variable "kubeconfig_context" {
  description = "Context of the kubeconfig to use; null uses the current one."
  type        = string
  default     = null
}

variable "environment" {
  description = "Overlay to deploy: staging or production."
  type        = string
  default     = "staging"
}

variable "namespace" {
  description = "Namespace for OPEN."
  type        = string
  default     = "open-staging"
}

variable "host" {
  description = "Public host name of OPEN."
  type        = string
}

variable "image_tag" {
  description = "OPEN release to deploy (image tag)."
  type        = string
}

variable "database_url" {
  description = "PostgreSQL URL of the managed database."
  type        = string
  sensitive   = true
}

variable "redis_url" {
  description = "Redis URL of the managed Redis."
  type        = string
  sensitive   = true
}
