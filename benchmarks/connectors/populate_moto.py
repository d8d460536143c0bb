"""Fills a moto server with IAM users and access keys for the connector benchmark.

usage: populate_moto.py URL USERS KEYS_PER_USER [PREFIX]
Prints nothing but a summary; credentials are moto's dummy ones.
"""
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3

url, users, per_user = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
prefix = sys.argv[4] if len(sys.argv) > 4 else "bench-user"
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id="AKIABENCH00000000000", aws_secret_access_key="bench")


def make(index):
    name = f"{prefix}-{index:05d}"
    try:
        iam.create_user(UserName=name)
    except iam.exceptions.EntityAlreadyExistsException:
        return 0
    for _ in range(per_user):
        iam.create_access_key(UserName=name)
    return per_user


with ThreadPoolExecutor(max_workers=8) as pool:
    made = sum(pool.map(make, range(users)))
print(f"{users} users, {made} new access keys at {url}")
