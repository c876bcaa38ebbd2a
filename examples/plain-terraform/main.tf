# trailguard from plain Terraform: the module in ../../terraform, generated from this repository's construct.
#   export TF_VAR_slack_token=xoxb-...   # sensitive: never in a .tf file
#   terraform init && terraform plan
terraform {
  required_version = ">= 1.9"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

# The home region: the module's IAM roles go through this provider; every other region is a `region`
# argument of the module's resources.
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { CostCenter = "security" }
  }
}

variable "slack_token" {
  description = "Slack bot token with chat:write."
  type        = string
  sensitive   = true
  default     = null
}

variable "regions" {
  description = "Regions that get edge rules."
  type        = list(string)
  default     = ["us-east-1", "eu-west-1"]
}

module "trailguard" {
  source = "../../terraform"

  regions       = var.regions
  home_region   = "us-east-1"
  slack_channel = "C0123ABCDEF"
  slack_token   = var.slack_token
  trails = [{
    name      = "org-trail"
    s3_bucket = "example-org-cloudtrail-logs"
  }]
  alarm_email = "security-oncall@example.com"
  tags        = { Team = "security" }
}

output "hub_event_bus_arn" {
  description = "Edges of other stacks forward to this bus."
  value       = module.trailguard.trailguard_hub_event_bus_arn
}

output "edge_rule_arns" {
  value = module.trailguard.trailguard_edge_rule_arns
}
