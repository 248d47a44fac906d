"""An S3-compatible server on loopback for the storage tests, built on moto.

Usage: s3_server.py PORT BUCKET

Starts moto's S3 (and IAM) on 127.0.0.1:PORT with request signing enforced, creates a
user with a key allowed to use S3 and the bucket BUCKET, prints the key as one JSON line,
then answers commands on stdin, one per line:

  list      prints the bucket's keys as one JSON line
  EOF       stops the server
"""

import json
import os
import sys

# The four set-up calls below are the only unsigned requests served; after them, every
# request must carry a valid AWS Signature Version 4 from a key the server issued.
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4"

import boto3  # noqa: E402  (moto reads the setting above when it is imported)
from moto.server import ThreadedMotoServer  # noqa: E402


def main():
    port, bucket = int(sys.argv[1]), sys.argv[2]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    common = dict(
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="set-up",
        aws_secret_access_key="set-up",
    )
    iam = boto3.client("iam", **common)
    iam.create_user(UserName="guildhall")
    key = iam.create_access_key(UserName="guildhall")["AccessKey"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    iam.put_user_policy(
        UserName="guildhall", PolicyName="files", PolicyDocument=json.dumps(policy)
    )
    boto3.client("s3", **common).create_bucket(Bucket=bucket)
    access = {
        "access_key_id": key["AccessKeyId"],
        "secret_access_key": key["SecretAccessKey"],
    }
    print(json.dumps(access), flush=True)

    s3 = boto3.client(
        "s3",
        endpoint_url=common["endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id=access["access_key_id"],
        aws_secret_access_key=access["secret_access_key"],
    )
    for line in sys.stdin:
        if line.strip() == "list":
            found = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
            print(json.dumps([o["Key"] for o in found]), flush=True)
    server.stop()


if __name__ == "__main__":
    main()
