// A team's desk facts for bench/desk.sh: each of AGENTS agents (bench-agent-0 …, added by the
// script) logs in and records FACTS desk facts — assignments, read marks, private notes with an
// @mention, status changes — on the generated customers' conversations, through the real API.
const base = process.env.BASE_URL;
const agents = Number(process.env.AGENTS ?? 10);
const facts = Number(process.env.FACTS ?? 1000);
const customers = Number(process.env.CUSTOMERS ?? 10000);
const concurrency = 8;

async function logIn(name) {
  const response = await fetch(`${base}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'bench password' }),
  });
  if (response.status !== 204) throw new Error(`logging in ${name}: ${response.status}`);
  return response.headers.get('set-cookie').split(';')[0];
}

function fact(agent, index) {
  const conversation = `wxid_c${(agent * facts + index) % customers}`;
  switch (index % 4) {
    case 0: return { kind: 'assign', conversation, agent: `bench-agent-${agent}` };
    case 1: return { kind: 'read', conversation, seq: 1_000_000 + index };
    case 2: return { kind: 'note', conversation, text: `@bench-agent-${(agent + 1) % agents} 请跟进 ${index}` };
    default: return { kind: 'status', conversation, status: index % 8 === 3 ? 'resolved' : 'pending' };
  }
}

const started = Date.now();
await Promise.all(Array.from({ length: agents }, async (_, agent) => {
  const cookie = await logIn(`bench-agent-${agent}`);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < facts) {
      const index = next++;
      const response = await fetch(`${base}/api/desk/wechat`, {
        method: 'POST', headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(fact(agent, index)),
      });
      if (!response.ok) throw new Error(`desk fact: ${response.status} ${await response.text()}`);
    }
  }));
}));
console.log(`TEAM FACTS agents=${agents} facts=${agents * facts} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
