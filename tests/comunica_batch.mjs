// Run a batch of SPARQL queries with Comunica (@comunica/query-sparql from the repository's node_modules) in one
// Node process, for tests/clients.py. Reads [{"sources": [...], "query": "..."}] on stdin and writes one answer per
// job on stdout: {"bindings": [{var: term}]}, {"boolean": true|false}, {"quads": [[s, p, o, g]]} or {"error": "..."};
// a term is {"termType", "value", "language", "datatype"}.
import { QueryEngine } from '@comunica/query-sparql';

function term(t) {
  if (!t) return null;
  const out = { termType: t.termType, value: t.value };
  if (t.termType === 'Literal') {
    out.language = t.language || null;
    out.datatype = t.datatype ? t.datatype.value : null;
  }
  return out;
}

async function run(engine, job) {
  const result = await engine.query(job.query, { sources: job.sources, lenient: false });
  if (result.resultType === 'boolean') {
    return { boolean: await result.execute() };
  }
  if (result.resultType === 'bindings') {
    const rows = await (await result.execute()).toArray();
    return {
      bindings: rows.map((row) => Object.fromEntries([...row].map(([variable, value]) => [variable.value, term(value)]))),
    };
  }
  if (result.resultType === 'quads') {
    const quads = await (await result.execute()).toArray();
    return { quads: quads.map((q) => [term(q.subject), term(q.predicate), term(q.object), term(q.graph)]) };
  }
  return { error: `unexpected result type ${result.resultType}` };
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const jobs = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const engine = new QueryEngine();
const answers = [];
for (const job of jobs) {
  try {
    answers.push(await run(engine, job));
  } catch (error) {
    answers.push({ error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify(answers));
