// dynalite ships no type declarations; lambda-mcp only calls its default export (see dynalite.ts).
declare module 'dynalite' {
  const dynalite: unknown;
  export default dynalite;
}
