# OPEN on an existing Kubernetes cluster: the namespace and the open-secrets Secret from this
# module, everything else from the kustomize overlay infra/k8s/overlays/<environment>, rendered by
# the kustomization provider with this module's namespace, images, host and settings.

locals {
  overlay_path = abspath("${path.module}/../../../infra/k8s/overlays/${var.environment}")
  public_url   = "https://${var.host}"
  secret_key   = coalesce(var.secret_key, random_password.secret_key.result)

  config = merge(
    {
      OPEN_PUBLIC_URL = local.public_url
      OPEN_APP_URL    = local.public_url
    },
    var.extra_config,
  )

  ingress_patch = [
    { op = "replace", path = "/spec/rules/0/host", value = var.host },
    { op = "replace", path = "/spec/tls/0/hosts/0", value = var.host },
    { op = "replace", path = "/spec/tls/0/secretName", value = var.tls_secret_name },
    { op = "replace", path = "/spec/ingressClassName", value = var.ingress_class_name },
  ]

  hpa_patch = var.worker_max_replicas == null ? [] : [
    { op = "replace", path = "/spec/maxReplicas", value = var.worker_max_replicas },
  ]
}

resource "random_password" "secret_key" {
  length  = 64
  special = false
}

data "kustomization_overlay" "open" {
  resources = [local.overlay_path]
  namespace = var.namespace

  images {
    name     = "ghcr.io/open-workflows/open-platform"
    new_name = var.platform_image
    new_tag  = var.image_tag
  }

  images {
    name     = "ghcr.io/open-workflows/open-spa"
    new_name = var.spa_image
    new_tag  = var.image_tag
  }

  config_map_generator {
    name     = "open-config"
    behavior = "merge"
    literals = [for key, value in local.config : "${key}=${value}"]
  }

  patches {
    target {
      kind = "Ingress"
      name = "open"
    }
    patch = jsonencode(local.ingress_patch)
  }

  dynamic "patches" {
    for_each = length(local.hpa_patch) > 0 ? [1] : []
    content {
      target {
        kind = "HorizontalPodAutoscaler"
        name = "open-worker"
      }
      patch = jsonencode(local.hpa_patch)
    }
  }
}

# Priority 0: namespaces (and CRDs, none today), so the Secret below has somewhere to live.
resource "kustomization_resource" "p0" {
  for_each = data.kustomization_overlay.open.ids_prio[0]
  manifest = data.kustomization_overlay.open.manifests[each.value]
}

resource "kubernetes_secret_v1" "open" {
  metadata {
    name      = "open-secrets"
    namespace = var.namespace
    labels = {
      "app.kubernetes.io/name"    = "open"
      "app.kubernetes.io/part-of" = "open"
    }
  }

  data = {
    DATABASE_URL    = var.database_url
    REDIS_URL       = var.redis_url
    OPEN_SECRET_KEY = local.secret_key
  }

  depends_on = [kustomization_resource.p0]
}

# Priority 1: everything else (the migration Job, Deployments, Services, ...).
resource "kustomization_resource" "p1" {
  for_each = data.kustomization_overlay.open.ids_prio[1]
  manifest = data.kustomization_overlay.open.manifests[each.value]

  depends_on = [kubernetes_secret_v1.open]
}

# Priority 2: webhooks and the like, after what they refer to.
resource "kustomization_resource" "p2" {
  for_each = data.kustomization_overlay.open.ids_prio[2]
  manifest = data.kustomization_overlay.open.manifests[each.value]

  depends_on = [kustomization_resource.p1]
}
