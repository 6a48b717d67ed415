"""adaptive-plan: declarative, Terraform-style provisioning for Adaptive Engine."""

__version__ = "0.1.0"
