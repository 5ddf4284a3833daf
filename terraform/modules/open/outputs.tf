output "namespace" {
  description = "Namespace OPEN runs in."
  value       = var.namespace
}

output "url" {
  description = "Public URL of the web app (the API is at <url>/graphql)."
  value       = local.public_url
}

output "graphql_endpoint" {
  description = "URL of the GraphQL API."
  value       = "${local.public_url}/graphql"
}

output "secret_name" {
  description = "Name of the Secret holding DATABASE_URL, REDIS_URL and OPEN_SECRET_KEY."
  value       = kubernetes_secret_v1.open.metadata[0].name
}

output "secret_key" {
  description = "The OPEN_SECRET_KEY in use (generated when var.secret_key is null)."
  value       = local.secret_key
  sensitive   = true
}

output "resource_ids" {
  description = "Ids of the Kubernetes objects applied from the overlay."
  value = concat(
    tolist(data.kustomization_overlay.open.ids_prio[0]),
    tolist(data.kustomization_overlay.open.ids_prio[1]),
    tolist(data.kustomization_overlay.open.ids_prio[2]),
  )
}
