output "url" {
  description = "Where OPEN answers."
  value       = module.open.url
}

output "graphql_endpoint" {
  description = "The GraphQL API."
  value       = module.open.graphql_endpoint
}

output "namespace" {
  description = "Namespace OPEN runs in."
  value       = module.open.namespace
}
