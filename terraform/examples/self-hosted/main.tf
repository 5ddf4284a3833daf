# An example environment: OPEN on the cluster of a kubeconfig context, with a managed
# PostgreSQL and Redis given by their connection strings (terraform.tfvars.example).

provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kubeconfig_context
}

provider "kustomization" {
  kubeconfig_path = var.kubeconfig_path
  context         = var.kubeconfig_context
}

module "open" {
  source = "../../modules/open"

  environment  = var.environment
  namespace    = var.namespace
  host         = var.host
  image_tag    = var.image_tag
  database_url = var.database_url
  redis_url    = var.redis_url

  extra_config = {
    OPEN_LOG_LEVEL = "INFO"
  }
}
