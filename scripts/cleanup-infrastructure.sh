#!/usr/bin/env bash
# Removes, with the AWS CLI, what scripts/setup-infrastructure.sh created: the role's inline policy and the
# role, the SNS topic the env file names, the session table (after confirmation) and, if asked, the env file.
# Idempotent: anything already gone is reported as such.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/cleanup-infrastructure.sh [options]

Deletes what scripts/setup-infrastructure.sh created: the IAM role's inline policy and the role, the SNS
topic named by the env file's SNS_TOPIC_ARN, and the DynamoDB table with all its data (after asking, unless
--yes). Anything already gone is reported as such; a second run deletes nothing.

Options:
  --table NAME      DynamoDB table (default: the env file's SESSION_TABLE_NAME, else lambda-mcp-sessions)
  --region REGION   AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the env file's AWS_REGION, then
                    `aws configure get region`)
  --role NAME       IAM role (default: the env file's LAMBDA_ROLE_ARN, else lambda-mcp-function)
  --env-file PATH   env file setup wrote (default: .env); read for the defaults above and the topic
  --yes             delete the table without asking (needed when not run on a terminal)
  --remove-env      also delete the env file (it holds MCP_REQUEST_STATE_KEY)
  --dry-run         run only the read-only checks (describe-*, get-*) and print each command that would
                    delete something, prefixed with "+ "; deletes nothing
  -h, --help        this help

Every command that deletes something is printed as "+ aws ..." before it runs.
USAGE
}

# shellcheck source=scripts/infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra-common.sh"

# What happened to each resource, for the closing summary.
DELETED=()
GONE=()
deleted() {
  DELETED+=("$1")
  if [[ $dry_run == true ]]; then echo "  would delete: $1"; else echo "  deleted: $1"; fi
}
gone() {
  GONE+=("$1")
  echo "  already gone: $1"
}

# The name of the role's inline policy (the one setup-infrastructure.sh puts).
POLICY_NAME=lambda-mcp-access

table=
region=
role=
env_file=.env
yes=false
remove_env=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --table) need_value "$@" && table=$2 && shift ;;
    --region) need_value "$@" && region=$2 && shift ;;
    --role) need_value "$@" && role=$2 && shift ;;
    --env-file) need_value "$@" && env_file=$2 && shift ;;
    --yes) yes=true ;;
    --remove-env) remove_env=true ;;
    --dry-run) dry_run=true ;;
    -h | --help) usage && exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
  shift
done

existing_role=$(env_get "$env_file" LAMBDA_ROLE_ARN)
topic_arn=$(env_get "$env_file" SNS_TOPIC_ARN)
table=${table:-$(env_get "$env_file" SESSION_TABLE_NAME)}
table=${table:-lambda-mcp-sessions}
role=${role:-${existing_role##*/}}
role=${role:-lambda-mcp-function}
valid_table_name "$table"
valid_role_name "$role"
region=$(resolve_region "$region")
# Global services (IAM, STS) find their partition from the region too.
export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
if [[ $dry_run == true ]]; then
  echo "Dry run in region $region: checks run, deletions are only printed."
else
  echo "Cleaning up in region $region."
fi

# The table holds every session: decide about it before anything is deleted.
table_exists=false
delete_table=false
if aws_check dynamodb describe-table --table-name "$table" --region "$region" \
  --query Table.TableStatus --output text; then
  table_exists=true
  if [[ $yes == true || $dry_run == true ]]; then
    delete_table=true
  elif [[ -t 0 ]]; then
    read -r -p "Delete DynamoDB table $table in $region with all its sessions? [y/N] " answer || answer=
    if [[ $answer =~ ^[Yy] ]]; then delete_table=true; fi
  else
    fail "table $table exists and there is no terminal to ask: pass --yes to delete it (nothing was deleted)"
  fi
fi

# --- the IAM role and its inline policy -----------------------------------------------------------
if aws_check iam get-role --role-name "$role" --query Role.Arn --output text; then
  if aws_check iam get-role-policy --role-name "$role" --policy-name "$POLICY_NAME" \
    --query PolicyName --output text; then
    change iam delete-role-policy --role-name "$role" --policy-name "$POLICY_NAME"
    deleted "inline policy $POLICY_NAME of $role"
  else
    gone "inline policy $POLICY_NAME of $role"
  fi
  change iam delete-role --role-name "$role"
  deleted "IAM role $role"
else
  gone "IAM role $role"
fi

# --- the SNS topic the env file names -------------------------------------------------------------
if [[ -n $topic_arn ]]; then
  # The topic's own region, from its ARN (arn:aws:sns:<region>:<account>:<name>).
  topic_region=$(cut -d: -f4 <<<"$topic_arn")
  if aws_check sns get-topic-attributes --topic-arn "$topic_arn" --region "$topic_region" \
    --query Attributes.TopicArn --output text; then
    change sns delete-topic --topic-arn "$topic_arn" --region "$topic_region"
    deleted "SNS topic $topic_arn"
  else
    gone "SNS topic $topic_arn"
  fi
fi

# --- the session table ----------------------------------------------------------------------------
if [[ $delete_table == true ]]; then
  change dynamodb delete-table --table-name "$table" --region "$region"
  change dynamodb wait table-not-exists --table-name "$table" --region "$region"
  deleted "table $table"
elif [[ $table_exists == true ]]; then
  echo "  kept: table $table (not confirmed)"
else
  gone "table $table"
fi

# --- the env file ---------------------------------------------------------------------------------
if [[ $remove_env == false ]]; then
  [[ ! -f $env_file ]] || echo "  kept: env file $env_file (--remove-env deletes it)"
elif [[ -f $env_file ]]; then
  [[ $dry_run == true ]] || rm -f "$env_file"
  deleted "env file $env_file"
else
  gone "env file $env_file"
fi

# --- summary --------------------------------------------------------------------------------------
if [[ ${#DELETED[@]} -eq 0 ]]; then
  echo "Nothing changed: nothing left to delete (${#GONE[@]} already gone)."
elif [[ $dry_run == true ]]; then
  echo "Dry run: nothing was deleted; would delete ${#DELETED[@]} ($CHANGES AWS commands, marked +);" \
    "${#GONE[@]} already gone."
else
  echo "Done: deleted ${#DELETED[@]}, ${#GONE[@]} already gone."
fi
