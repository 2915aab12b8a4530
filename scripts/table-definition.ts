// Prints the session table's definition for the shell scripts, straight from lambda-mcp's table module, so
// scripts/setup-infrastructure.sh never restates a key name: `npx tsx scripts/table-definition.ts <name>`
// prints the CreateTable input JSON (for `aws dynamodb create-table --cli-input-json`), `--ttl-attribute`
// prints the TTL attribute name.
import { createTableInput, TABLE } from 'lambda-mcp/dynamodb';

const USAGE = 'usage: tsx scripts/table-definition.ts <table-name> | --ttl-attribute';

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--ttl-attribute') {
  process.stdout.write(`${TABLE.ttlAttribute}\n`);
} else if (args.length === 1 && args[0] && /^[A-Za-z0-9_.-]{3,255}$/.test(args[0])) {
  process.stdout.write(`${JSON.stringify(createTableInput(args[0]))}\n`);
} else {
  process.stderr.write(
    args[0] === '--help' || args.length === 0
      ? `${USAGE}\n`
      : `table-definition: a table name is 3-255 letters, digits, '_', '-' and '.'; got "${args.join(' ')}"\n${USAGE}\n`,
  );
  process.exit(args[0] === '--help' ? 0 : 2);
}
