"""The `aws` provider (boto3): registered under the key "aws" when this package is imported."""

from apps.infra.providers import base
from apps.infra.providers.aws.provider import AwsProvider

base.register(AwsProvider())

__all__ = ["AwsProvider"]
