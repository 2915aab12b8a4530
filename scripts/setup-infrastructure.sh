#!/usr/bin/env bash
# Creates, with the AWS CLI, what the Lambda deployment of lambda-mcp needs: the session table (TTL, PITR),
# an optional SNS topic, the function's IAM role with a least-privilege inline policy, and an env file with
# every variable the server reads, the auth ones (AUTH_ISSUER, ...) included when given: an issuer, or the
# outputs of a deployed McpStack (its Cognito user pool's issuer, app clients, scopes and token URL).
# Idempotent: each step checks first, and a second run changes nothing.
# It creates no function, so no subscription either: with a topic it prints the two commands that subscribe
# the function once it is deployed.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/setup-infrastructure.sh [options]

Creates, each only when missing: the DynamoDB session table (on-demand, TTL on its ttl attribute,
point-in-time recovery), an optional SNS topic, the Lambda function's IAM role (trusted by
lambda.amazonaws.com) with an inline least-privilege policy, and an env file with every variable the server
reads. Each step checks first; a second run changes nothing and says so.

Options:
  --table NAME      DynamoDB table (default: the env file's SESSION_TABLE_NAME, else lambda-mcp-sessions)
  --region REGION   AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the env file's AWS_REGION, then
                    `aws configure get region`)
  --with-sns        create an SNS topic for events; the role may publish to it. Prints the commands that
                    subscribe your function to it once the function is deployed
  --no-sns          no SNS topic (and drop SNS_TOPIC_ARN from the env file)
  --topic NAME      SNS topic name (default: the env file's topic, else lambda-mcp-notifications)
  --role NAME       IAM role for the function (default: the env file's LAMBDA_ROLE_ARN, else
                    lambda-mcp-function)
  --function-name NAME
                    the function you will deploy with this role, when it runs the buffered entry with
                    TASK_RUNNER=lambda-async: the role may then invoke that function (and no other) to run
                    tasks (default: the env file's LAMBDA_FUNCTION_NAME, else no such permission)
  --auth-issuer URL the authorization server whose tokens the server requires (AUTH_ISSUER, https)
  --auth-audience AUD
                    the aud those tokens carry (AUTH_AUDIENCE; default: the endpoint's own URL)
  --from-stack NAME take the auth settings from a deployed CDK/SAM stack's outputs (aws cloudformation
                    describe-stacks): with auth=cognito AUTH_ISSUER, AUTH_CLIENT_IDS, AUTH_REQUIRED_SCOPES,
                    AUTH_ADMIN_SCOPE, and for clients AUTH_TOKEN_URL, AUTH_AGENT_CLIENT_ID,
                    AUTH_PUBLIC_CLIENT_ID; with an external issuer its AUTH_ISSUER; AUTH_AUDIENCE when the
                    stack sets one (--auth-audience overrides it)
  --no-auth         drop the AUTH_* settings from the env file (the server then takes every request)
  --env-file PATH   env file to write (default: .env). The table, region, topic and role are rewritten, and
                    the AUTH_* settings when --auth-issuer, --from-stack or --no-auth is given; every other
                    line is kept, MCP_REQUEST_STATE_KEY included (generated when missing)
  --dry-run         run only the read-only checks (sts get-caller-identity, describe-*, get-*) and print
                    each command that would change something, prefixed with "+ "; writes nothing
  -h, --help        this help

Without --with-sns or --no-sns: a topic if the env file names one, else ask on a terminal, else none.
Without an auth option the env file's AUTH_* settings stay as they are (docs/deploying-securely.md).
No Lambda function is created: deploy dist/lambda/http yourself (handler index.streamingHandler behind a
RESPONSE_STREAM Function URL, or index.handler for buffered integrations) with the env file's settings.
Every command that changes something is printed as "+ aws ..." before it runs.
USAGE
}

# shellcheck source=scripts/infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra-common.sh"

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What happened to each resource, for the closing summary.
CREATED=()
UPDATED=()
EXISTED=()
created() {
  CREATED+=("$1")
  if [[ $dry_run == true ]]; then echo "  would create: $1"; else echo "  created: $1"; fi
}
updated() {
  UPDATED+=("$1")
  if [[ $dry_run == true ]]; then echo "  would update: $1"; else echo "  updated: $1"; fi
}
existed() {
  EXISTED+=("$1")
  echo "  exists: $1"
}

# The name of the role's inline policy (cleanup-infrastructure.sh deletes the same one).
POLICY_NAME=lambda-mcp-access

# The table definition from lambda-mcp's table module (scripts/table-definition.ts): no key name here.
table_definition() {
  local tsx=("$REPO_ROOT/node_modules/.bin/tsx")
  [[ -x ${tsx[0]} ]] || tsx=(npx tsx)
  (cd "$REPO_ROOT" && "${tsx[@]}" scripts/table-definition.ts "$1")
}

# Whether two JSON documents are equal, object keys in any order.
same_json() {
  node -e '
    const sorted = (v) => Array.isArray(v) ? v.map(sorted) : v && typeof v === "object"
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v;
    const [a, b] = process.argv.slice(1).map((s) => JSON.stringify(sorted(JSON.parse(s))));
    process.exit(a === b ? 0 : 1);
  ' "$1" "$2"
}

table=
region=
sns=
topic_name=
role=
env_file=.env
auth=
auth_issuer=
auth_audience=
stack=
function_name=
while [[ $# -gt 0 ]]; do
  case $1 in
    --table) need_value "$@" && table=$2 && shift ;;
    --region) need_value "$@" && region=$2 && shift ;;
    --with-sns) sns=yes ;;
    --no-sns) sns=no ;;
    --topic) need_value "$@" && topic_name=$2 && shift ;;
    --role) need_value "$@" && role=$2 && shift ;;
    --env-file) need_value "$@" && env_file=$2 && shift ;;
    --auth-issuer) need_value "$@" && auth_issuer=$2 && shift ;;
    --auth-audience) need_value "$@" && auth_audience=$2 && shift ;;
    --from-stack) need_value "$@" && stack=$2 && shift ;;
    --function-name) need_value "$@" && function_name=$2 && shift ;;
    --no-auth) auth=none ;;
    --dry-run) dry_run=true ;;
    -h | --help) usage && exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
  shift
done

# Auth: one source at most; without one the env file's AUTH_* lines are left alone.
if [[ -n $auth_issuer && -n $stack ]]; then
  fail "--auth-issuer and --from-stack exclude each other (the stack names its own issuer)"
elif [[ $auth == none && (-n $auth_issuer || -n $auth_audience || -n $stack) ]]; then
  fail "--no-auth excludes --auth-issuer, --auth-audience and --from-stack"
elif [[ -n $auth_audience && -z $auth_issuer && -z $stack ]]; then
  fail "--auth-audience needs --auth-issuer or --from-stack"
fi
[[ -z $auth_issuer || $auth_issuer =~ ^https://[^[:space:]/?#]+[^[:space:]?#]*$ ]] ||
  fail "--auth-issuer must be an https URL without query or fragment; got \"$auth_issuer\""
[[ -z $stack || $stack =~ ^[A-Za-z][A-Za-z0-9-]{0,127}$ ]] ||
  fail "--from-stack must be a CloudFormation stack name; got \"$stack\""
if [[ -n $auth_issuer ]]; then auth=issuer; elif [[ -n $stack ]]; then auth=stack; fi

# Defaults from the env file of an earlier run, so running again without options changes nothing.
existing_topic=$(env_get "$env_file" SNS_TOPIC_ARN)
existing_role=$(env_get "$env_file" LAMBDA_ROLE_ARN)
table=${table:-$(env_get "$env_file" SESSION_TABLE_NAME)}
table=${table:-lambda-mcp-sessions}
role=${role:-${existing_role##*/}}
role=${role:-lambda-mcp-function}
topic_name=${topic_name:-${existing_topic##*:}}
topic_name=${topic_name:-lambda-mcp-notifications}
function_name=${function_name:-$(env_get "$env_file" LAMBDA_FUNCTION_NAME)}
[[ -z $function_name || $function_name =~ ^[A-Za-z0-9_-]{1,64}$ ]] ||
  fail "--function-name must be a Lambda function name; got \"$function_name\""
valid_table_name "$table"
valid_role_name "$role"
[[ $topic_name =~ ^[A-Za-z0-9_-]{1,256}$ ]] || fail "--topic must be an SNS topic name; got \"$topic_name\""
if [[ -z $sns && -n $existing_topic ]]; then
  sns=yes
elif [[ -z $sns && -t 0 ]]; then
  read -r -p "Create an SNS topic ($topic_name) for events? [y/N] " answer || answer=
  if [[ $answer =~ ^[Yy] ]]; then sns=yes; else sns=no; fi
fi
sns=${sns:-no}

region=$(resolve_region "$region")
# Global services (IAM, STS) find their partition from the region too.
export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
aws_check sts get-caller-identity --query Arn --output text ||
  fail "aws sts get-caller-identity found no identity: configure AWS credentials first"
partition=$(cut -d: -f2 <<<"$CHECK_OUT")
account=$(cut -d: -f5 <<<"$CHECK_OUT")
if [[ $dry_run == true ]]; then
  echo "Dry run in account $account, region $region: checks run, changes are only printed."
else
  echo "Setting up in account $account, region $region."
fi

# --- the auth settings of a deployed stack (read before anything changes) ---------------------------
# AUTH_* variable -> the McpStack output holding it (infra/lib/auth.ts; template.yaml has the same).
STACK_AUTH_OUTPUTS='AUTH_ISSUER=AuthIssuer AUTH_AUDIENCE=AuthAudience AUTH_CLIENT_IDS=AuthClientIds'
STACK_AUTH_OUTPUTS+=' AUTH_REQUIRED_SCOPES=AuthRequiredScopes'
STACK_AUTH_OUTPUTS+=' AUTH_ADMIN_SCOPE=AuthAdminScope AUTH_TOKEN_URL=TokenUrl AUTH_AGENT_CLIENT_ID=AgentClientId'
STACK_AUTH_OUTPUTS+=' AUTH_PUBLIC_CLIENT_ID=PublicClientId'
stack_auth=
if [[ $auth == stack ]]; then
  aws_check cloudformation describe-stacks --stack-name "$stack" --region "$region" \
    --query 'Stacks[0].Outputs' --output json || fail "stack $stack not found in $region"
  # KEY=VALUE per output present; values are single-line CloudFormation strings.
  stack_auth=$(node -e '
    const outputs = JSON.parse(process.argv[1] || "null") ?? [];
    const byKey = Object.fromEntries(outputs.map((o) => [o.OutputKey, o.OutputValue]));
    if (byKey.PublicEndpointWarning) console.log("PUBLIC=" + byKey.PublicEndpointWarning);
    for (const pair of process.argv[2].split(" ")) {
      const [variable, output] = pair.split("=");
      if (byKey[output]) console.log(variable + "=" + byKey[output]);
    }
  ' "$CHECK_OUT" "$STACK_AUTH_OUTPUTS")
  if [[ -n $(sed -n 's/^PUBLIC=//p' <<<"$stack_auth") ]]; then
    fail "stack $stack was deployed with auth=none (public): it has no auth settings to write"
  fi
  [[ -n $(sed -n 's/^AUTH_ISSUER=//p' <<<"$stack_auth") ]] ||
    fail "stack $stack has no AuthIssuer output (deployed with auth=iam? SigV4 needs no AUTH_* settings)"
  echo "  read: auth settings of stack $stack"
fi

# --- the session table ----------------------------------------------------------------------------
ttl_attribute=$(table_definition --ttl-attribute)
table_arn="arn:$partition:dynamodb:$region:$account:table/$table"
ttl_on=false
pitr_on=false
if aws_check dynamodb describe-table --table-name "$table" --region "$region" \
  --query Table.TableStatus --output text; then
  existed "table $table"
  aws_check dynamodb describe-time-to-live --table-name "$table" --region "$region" \
    --query TimeToLiveDescription.AttributeName --output text || true
  [[ $CHECK_OUT != "$ttl_attribute" ]] || ttl_on=true
  aws_check dynamodb describe-continuous-backups --table-name "$table" --region "$region" \
    --query ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus \
    --output text || true
  [[ $CHECK_OUT != ENABLED ]] || pitr_on=true
else
  create_input=$(table_definition "$table")
  change dynamodb create-table --region "$region" --cli-input-json "$create_input"
  change dynamodb wait table-exists --table-name "$table" --region "$region"
  created "table $table"
fi
if [[ $ttl_on == true ]]; then
  existed "TTL on $table.$ttl_attribute"
else
  change dynamodb update-time-to-live --table-name "$table" --region "$region" \
    --time-to-live-specification "Enabled=true,AttributeName=$ttl_attribute"
  created "TTL on $table.$ttl_attribute"
fi
if [[ $pitr_on == true ]]; then
  existed "point-in-time recovery on $table"
else
  # Backups are briefly unavailable on a table created moments ago: that error is retried.
  change --retry-on ContinuousBackupsUnavailableException dynamodb update-continuous-backups \
    --table-name "$table" --region "$region" \
    --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true
  created "point-in-time recovery on $table"
fi

# --- the SNS topic (optional) ---------------------------------------------------------------------
topic_arn=
if [[ $sns == yes ]]; then
  topic_arn="arn:$partition:sns:$region:$account:$topic_name"
  if aws_check sns get-topic-attributes --topic-arn "$topic_arn" --region "$region" \
    --query Attributes.TopicArn --output text; then
    existed "SNS topic $topic_name"
  else
    change sns create-topic --name "$topic_name" --region "$region"
    created "SNS topic $topic_name"
  fi
elif [[ -n $existing_topic ]]; then
  echo "  note: --no-sns drops SNS topic $existing_topic from $env_file and the role's policy but keeps the"
  echo "        topic: aws sns delete-topic --topic-arn $existing_topic deletes it"
fi

# --- the IAM role and its inline policy -----------------------------------------------------------
trust_policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
trust_policy+='"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
# One Allow statement: statement SID RESOURCE-JSON ACTION...
statement() {
  local sid=$1 resource=$2 actions
  shift 2
  actions=$(printf '"%s",' "$@")
  printf '{"Sid":"%s","Effect":"Allow","Action":[%s],"Resource":%s}' "$sid" "${actions%,}" "$resource"
}
logs_arn="arn:$partition:logs:$region:$account:log-group:/aws/lambda/*"
statements=(
  # lambda-mcp's DynamoDB stores (sessions, events, mailbox, tasks): exactly the item calls they make.
  "$(statement SessionTable "[\"$table_arn\",\"$table_arn/index/*\"]" dynamodb:BatchGetItem \
    dynamodb:BatchWriteItem dynamodb:DeleteItem dynamodb:GetItem dynamodb:PutItem dynamodb:Query \
    dynamodb:UpdateItem)"
  # aws_real_time_monitor: the List/Describe calls of its DynamoDB, EC2, Lambda and SQS services.
  "$(statement MonitorReadOnly '"*"' dynamodb:DescribeTable dynamodb:ListTables dynamodb:ListTagsOfResource \
    ec2:DescribeInstances lambda:ListFunctions lambda:ListTags sqs:GetQueueAttributes sqs:ListQueueTags \
    sqs:ListQueues)"
  "$(statement Logs "[\"$logs_arn\",\"$logs_arn:*\"]" logs:CreateLogGroup logs:CreateLogStream \
    logs:PutLogEvents)"
  # The actions of the AWSXRayDaemonWriteAccess managed policy.
  "$(statement XRay '"*"' xray:GetSamplingRules xray:GetSamplingStatisticSummaries xray:GetSamplingTargets \
    xray:PutTelemetryRecords xray:PutTraceSegments)"
)
if [[ -n $topic_arn ]]; then
  statements+=("$(statement Notifications "\"$topic_arn\"" sns:Publish)")
fi
if [[ -n $function_name ]]; then
  # Tasks of the buffered entry (TASK_RUNNER=lambda-async): an asynchronous invocation of its own function.
  function_arn="arn:$partition:lambda:$region:$account:function:$function_name"
  statements+=("$(statement SelfInvoke "\"$function_arn\"" lambda:InvokeFunction)")
fi
policy=$(
  IFS=,
  echo '{"Version":"2012-10-17","Statement":['"${statements[*]}"']}'
)

current_policy=
if aws_check iam get-role --role-name "$role" --query Role.Arn --output text; then
  role_arn=$CHECK_OUT
  existed "IAM role $role"
  if aws_check iam get-role-policy --role-name "$role" --policy-name "$POLICY_NAME" \
    --query PolicyDocument --output json; then
    current_policy=$CHECK_OUT
  fi
else
  role_arn="arn:$partition:iam::$account:role/$role"
  change iam create-role --role-name "$role" --assume-role-policy-document "$trust_policy" \
    --description 'lambda-mcp function: session table, read-only monitor, logs, X-Ray'
  change iam wait role-exists --role-name "$role"
  created "IAM role $role"
fi
if [[ -n $current_policy ]] && same_json "$current_policy" "$policy"; then
  existed "inline policy $POLICY_NAME of $role"
else
  change iam put-role-policy --role-name "$role" --policy-name "$POLICY_NAME" --policy-document "$policy"
  if [[ -n $current_policy ]]; then
    updated "inline policy $POLICY_NAME of $role"
  else
    created "inline policy $POLICY_NAME of $role"
  fi
fi

# --- the env file ---------------------------------------------------------------------------------
# Keys this script owns (rewritten on every run; an empty value drops the line), then keys whose existing
# values are kept, with their defaults.
OWNED_KEYS='STORE SESSION_TABLE_NAME AWS_REGION SNS_TOPIC_ARN LAMBDA_ROLE_ARN LAMBDA_FUNCTION_NAME'
# The auth settings, owned only when this run is given them (--auth-issuer, --from-stack, --no-auth): then
# every one of them is rewritten (an empty value drops the line), otherwise each line is kept as it is.
AUTH_KEYS='AUTH_ISSUER AUTH_AUDIENCE AUTH_CLIENT_IDS AUTH_REQUIRED_SCOPES AUTH_ADMIN_SCOPE AUTH_TOKEN_URL'
AUTH_KEYS+=' AUTH_AGENT_CLIENT_ID AUTH_PUBLIC_CLIENT_ID'
[[ -z $auth ]] || OWNED_KEYS+=" $AUTH_KEYS"
# SSE_MODE is left out: each Lambda entry picks its own (the streaming one live, the buffered one poll).
KEPT_KEYS='MCP_REQUEST_STATE_KEY SESSION_IDLE_SECONDS ALLOWED_ORIGINS ENABLE_COMPRESSION'
KEPT_KEYS+=' MAX_RESPONSE_SIZE_MB LOG_LEVEL ADMIN_TOOLS'
owned_value() {
  case $1 in
    STORE) echo dynamodb ;;
    SESSION_TABLE_NAME) echo "$table" ;;
    AWS_REGION) echo "$region" ;;
    SNS_TOPIC_ARN) echo "$topic_arn" ;;
    LAMBDA_ROLE_ARN) echo "$role_arn" ;;
    LAMBDA_FUNCTION_NAME) echo "$function_name" ;;
    AUTH_ISSUER) if [[ $auth == issuer ]]; then echo "$auth_issuer"; else auth_value "$1"; fi ;;
    AUTH_AUDIENCE) echo "${auth_audience:-$(auth_value AUTH_AUDIENCE)}" ;;
    AUTH_*) auth_value "$1" ;;
  esac
}
# An auth setting read from the stack's outputs (empty unless --from-stack).
auth_value() {
  sed -n "s/^$1=//p" <<<"$stack_auth"
}
# The reference server's defaults, read from the file it ships with rather than restated here. A null
# maxResponseSizeMb is written empty: unset, each entry takes its own limit.
config_defaults=$(node -e '
  const c = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  console.log(
    "SESSION_IDLE_SECONDS=" + c.sessionIdleSeconds + "\nALLOWED_ORIGINS=" + c.allowedOrigins.join(",") +
      "\nENABLE_COMPRESSION=" + c.enableCompression + "\nMAX_RESPONSE_SIZE_MB=" + (c.maxResponseSizeMb ?? "") +
      "\nLOG_LEVEL=" + c.logLevel + "\nADMIN_TOOLS=" + c.adminTools,
  );
' "$REPO_ROOT/examples/aws-monitor/data/mcp_config.json")
state_key=$(env_get "$env_file" MCP_REQUEST_STATE_KEY)
if [[ -z $state_key && $dry_run == true ]]; then
  state_key='<generated by openssl rand -hex 32>'
elif [[ -z $state_key ]]; then
  state_key=$(openssl rand -hex 32)
fi
kept_default() {
  case $1 in
    MCP_REQUEST_STATE_KEY) echo "$state_key" ;;
    *) sed -n "s/^$1=//p" <<<"$config_defaults" ;;
  esac
}

# The new env file: existing lines stay where they are (owned keys get their new value, an empty
# MCP_REQUEST_STATE_KEY gets a key), missing keys are appended in the order above.
render_env() {
  local line key value seen=' '
  if [[ -f $env_file ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      key=${line%%=*}
      if [[ $line != *=* || ! $key =~ ^[A-Z_][A-Z0-9_]*$ ]]; then
        printf '%s\n' "$line"
        continue
      fi
      seen+="$key "
      if [[ " $OWNED_KEYS " == *" $key "* ]]; then
        value=$(owned_value "$key")
        [[ -z $value ]] || printf '%s=%s\n' "$key" "$value"
      elif [[ $key == MCP_REQUEST_STATE_KEY && -z ${line#*=} ]]; then
        printf '%s=%s\n' "$key" "$state_key"
      else
        printf '%s\n' "$line"
      fi
    done <"$env_file"
  else
    echo '# lambda-mcp, written by scripts/setup-infrastructure.sh: the table, region, topic and role'
    echo '# are rewritten on each run, other values are kept. MCP_REQUEST_STATE_KEY is a secret.'
  fi
  for key in $OWNED_KEYS; do
    value=$(owned_value "$key")
    [[ $seen == *" $key "* || -z $value ]] || printf '%s=%s\n' "$key" "$value"
  done
  for key in $KEPT_KEYS; do
    [[ $seen == *" $key "* ]] || printf '%s=%s\n' "$key" "$(kept_default "$key")"
  done
}

new_env=$(render_env)
if [[ -f $env_file && $new_env == "$(cat "$env_file")" ]]; then
  existed "env file $env_file"
else
  if [[ -f $env_file ]]; then updated "env file $env_file"; else created "env file $env_file"; fi
  if [[ $dry_run == true ]]; then
    echo "    $env_file would read:"
    sed -e 's/^\(MCP_REQUEST_STATE_KEY=\)[0-9a-fA-F]\{16,\}$/\1<kept>/' -e 's/^/      /' <<<"$new_env"
  else
    tmp_env="$env_file.tmp.$$"
    (umask 077 && printf '%s\n' "$new_env" >"$tmp_env")
    mv -f "$tmp_env" "$env_file"
  fi
fi

# No issuer, no tokens: say so, since the endpoint would then take every request.
if ! grep -q '^AUTH_ISSUER=.' <<<"$new_env"; then
  echo "  note: no AUTH_ISSUER in $env_file: the server takes requests without a token. Pass --auth-issuer URL"
  echo "        or --from-stack NAME, or keep the endpoint private otherwise (docs/deploying-securely.md)"
fi

# --- summary --------------------------------------------------------------------------------------
if [[ ${#CREATED[@]} -eq 0 && ${#UPDATED[@]} -eq 0 ]]; then
  echo "Nothing changed: all ${#EXISTED[@]} resources and settings were already in place."
elif [[ $dry_run == true ]]; then
  echo "Dry run: nothing was changed; would create ${#CREATED[@]}, update ${#UPDATED[@]}" \
    "($CHANGES AWS commands, marked +); ${#EXISTED[@]} already in place."
else
  echo "Done: created ${#CREATED[@]}, updated ${#UPDATED[@]}, ${#EXISTED[@]} already in place."
  echo "Next: deploy with LAMBDA_ROLE_ARN and the settings in $env_file."
fi
if [[ -n $topic_arn ]]; then
  # SNS needs the function's permission, then a subscription; FUNCTION_ARN is the deployed function's ARN.
  echo "To deliver the topic's messages to your function once it is deployed (FUNCTION_ARN=its ARN):"
  echo "  aws lambda add-permission --function-name \"\$FUNCTION_ARN\" --statement-id sns-$topic_name" \
    "--action lambda:InvokeFunction --principal sns.amazonaws.com --source-arn $topic_arn --region $region"
  echo "  aws sns subscribe --topic-arn $topic_arn --protocol lambda" \
    "--notification-endpoint \"\$FUNCTION_ARN\" --region $region"
fi
