import sqlite3, time, json, uuid, sys, os, collections
variant=sys.argv[1]
import tempfile
path=os.path.join(tempfile.gettempdir(), 'flow-wal-pages.db')
for f in [path, path+'-wal', path+'-shm']:
    if os.path.exists(f): os.remove(f)
db=sqlite3.connect(path, isolation_level=None)
db.execute('PRAGMA journal_mode=WAL'); db.execute('PRAGMA synchronous=NORMAL'); db.execute('PRAGMA wal_autocheckpoint=0')
IDX_KEYS = '' if os.environ.get('NOKEYIDX') else '''CREATE INDEX runs_flow_key1 ON runs (flow_key1, due_at) WHERE flow_key1 IS NOT NULL AND lease_owner IS NOT NULL;
CREATE INDEX runs_flow_key2 ON runs (flow_key2, due_at) WHERE flow_key2 IS NOT NULL AND lease_owner IS NOT NULL;''' if variant in ('plain','keyed') else 'CREATE INDEX runs_flow_leased ON runs (due_at, flow_key1, flow_key2) WHERE flow_queue IS NOT NULL AND lease_owner IS NOT NULL;'
IDX_FLOW = os.environ.get('FLOWIDX') or 'CREATE INDEX runs_flow ON runs (flow_queue, (due_at - flow_priority), id) WHERE flow_queue IS NOT NULL AND finished_at IS NULL' + (' AND lease_owner IS NULL;' if variant=='BD' else ';')
db.executescript('''
CREATE TABLE runs (id TEXT NOT NULL PRIMARY KEY, function_id TEXT NOT NULL, status INTEGER NOT NULL, trigger TEXT NOT NULL, event_id TEXT, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, due_at INTEGER, lease_owner TEXT, lease_token INTEGER NOT NULL DEFAULT 0, claims INTEGER NOT NULL DEFAULT 0, wake_pending INTEGER NOT NULL DEFAULT 0, attempt INTEGER NOT NULL DEFAULT 0, output TEXT, error TEXT, cancel_reason TEXT, progress TEXT, parent_run_id TEXT, parent_step_id TEXT,
 flow_queue TEXT, flow_priority INTEGER NOT NULL DEFAULT 0, flow_key1 TEXT, flow_limit1 INTEGER, flow_key2 TEXT, flow_limit2 INTEGER, throttle_key TEXT, throttle_interval INTEGER, throttle_burst INTEGER);
CREATE INDEX runs_function ON runs (function_id, id);
CREATE INDEX runs_event ON runs (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX runs_finished ON runs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX runs_due ON runs (due_at) WHERE due_at IS NOT NULL AND flow_queue IS NULL;
%s
%s
%s
CREATE TABLE flow_queues (queue TEXT NOT NULL PRIMARY KEY, served INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX flow_queues_served ON flow_queues (served);
''' % (IDX_FLOW, '' if os.environ.get('NODUE') else 'CREATE INDEX runs_flow_due ON runs (due_at) WHERE flow_queue IS NOT NULL AND due_at IS NOT NULL;', IDX_KEYS))
T=collections.Counter()
P=collections.Counter(); wl=[0]
PG=collections.defaultdict(collections.Counter)
import struct
def walp(phase):
    sz=os.path.getsize(path+'-wal') if os.path.exists(path+'-wal') else 0
    with open(path+'-wal','rb') as f:
        off=wl[0] if wl[0] else 32
        f.seek(off)
        data=f.read(sz-off)
    fs=24+4096
    for i in range(0, len(data)-fs+1, fs):
        PG[phase][struct.unpack('>I', data[i:i+4])[0]]+=1
    P[phase]+=sz-wl[0]; wl[0]=sz
def t(name, sql, *a):
    sql=sql.replace('LEASEFILTER', 'lease_owner IS NULL AND' if (variant=='BD' or os.environ.get('LF')) else '')
    s=time.perf_counter(); r=db.execute(sql, a).fetchall(); T[name]+=time.perf_counter()-s; return r
keyed = sys.argv[1]!='plain'
variant=sys.argv[1]
N=int(sys.argv[2]) if len(sys.argv)>2 else 20000
now=1000
trig=json.dumps([{"name":"bench/keyed","data":{"key":"k1"},"id":"x"*26}])
def ingest(n0, n):
    db.execute('BEGIN')
    for i in range(n0, n0+n):
        rid='%026d'%i
        if keyed:
            q='keyed\x1fk%d'%(i%1000)
            t('ingest', 'INSERT INTO runs (id, function_id, status, trigger, event_id, created_at, due_at, flow_queue, flow_priority, flow_key1, flow_limit1) VALUES (?, ?, 0, ?, ?, ?, ?, ?, 0, ?, 10)', rid, 'keyed', trig, rid, now, now, q, 'f\x1fkeyed\x1fk%d'%(i%1000))
            t('ingest_q', 'INSERT INTO flow_queues (queue, served) VALUES (?, 0) ON CONFLICT (queue) DO NOTHING', q)
        else:
            t('ingest', 'INSERT INTO runs (id, function_id, status, trigger, event_id, created_at, due_at) VALUES (?, ?, 0, ?, ?, ?, ?)', rid, 'plain', trig, rid, now, now)
    s=time.perf_counter(); db.execute('COMMIT'); T['commit_ingest']+=time.perf_counter()-s; walp('ingest')
ingest(0, N)
done=0
while done < N:
    db.execute('BEGIN')
    if keyed:
        budget=64
        qs=[r[0] for r in t('queues','SELECT queue FROM flow_queues ORDER BY served LIMIT ?', 80)]
        share=max(1,(budget+len(qs)-1)//len(qs))
        cands=t('cands','''SELECT r.id, q.value, r.due_at, r.claims, r.flow_key1, r.flow_limit1, r.flow_key2, r.flow_limit2, r.throttle_key, r.throttle_interval, r.throttle_burst
            FROM json_each(?) q, runs r WHERE r.id IN (SELECT id FROM runs WHERE flow_queue = q.value AND finished_at IS NULL AND LEASEFILTER due_at - flow_priority <= ? AND due_at <= ? ORDER BY due_at - flow_priority, id LIMIT ?)
            ORDER BY q.key, r.due_at - r.flow_priority, r.id''', json.dumps(qs), now+600000, now, share)
        keys=list({c[4] for c in cands})
        if variant!='keyed':
            held=t('held','SELECT flow_key1, flow_key2 FROM runs WHERE flow_queue IS NOT NULL AND lease_owner IS NOT NULL AND due_at > ?', now)
        else:
          held=t('held','''SELECT k.value, (SELECT COUNT(*) FROM runs WHERE flow_key1 = k.value AND lease_owner IS NOT NULL AND due_at > ?) + (SELECT COUNT(*) FROM runs WHERE flow_key2 = k.value AND lease_owner IS NOT NULL AND due_at > ?) FROM json_each(?) k''', now, now, json.dumps(keys))
        taken=[c[0] for c in cands[:budget]]
        claimed=t('lease','UPDATE runs SET status = 1, lease_owner = ?, lease_token = lease_token + 1, due_at = ?, claims = claims + 1, wake_pending = 0, started_at = COALESCE(started_at, ?) WHERE id IN (SELECT value FROM json_each(?)) RETURNING id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress', 'me', now+30000, now, json.dumps(taken))
        examined=list(dict.fromkeys(c[1] for c in cands[:budget]))
        empty=[q for q in qs if q not in {c[1] for c in cands}]
        last=t('maxserved','SELECT COALESCE(MAX(served), 0) FROM flow_queues')[0][0]
        if not os.environ.get('NOSERVE'): t('serve','UPDATE flow_queues SET served = ? + 1 + q.key FROM json_each(?) q WHERE flow_queues.queue = q.value', last, json.dumps(empty+examined))
        if empty: t('drop','DELETE FROM flow_queues WHERE queue IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM runs WHERE flow_queue = flow_queues.queue AND finished_at IS NULL)', json.dumps(empty))
        t('nextdue','SELECT MIN(due_at) FROM runs WHERE flow_queue IS NOT NULL AND due_at > ?', now)
        ids=[c[0] for c in claimed]
    else:
        t('select_due','SELECT id, due_at FROM runs WHERE due_at <= ? AND flow_queue IS NULL ORDER BY due_at LIMIT ?', now, 64)
        claimed=t('lease','UPDATE runs SET status = 1, lease_owner = ?, lease_token = lease_token + 1, due_at = ?, claims = claims + 1, wake_pending = 0, started_at = COALESCE(started_at, ?) WHERE id IN (SELECT id FROM runs WHERE due_at <= ? AND flow_queue IS NULL ORDER BY due_at LIMIT ?) RETURNING id, function_id, trigger, lease_token, attempt, claims, created_at, started_at, progress', 'me', now+30000, now, now, 64)
        t('nextdue','SELECT MIN(due_at) FROM runs WHERE due_at IS NOT NULL AND flow_queue IS NULL AND (lease_owner IS NULL OR lease_owner <> ?)', 'me')
        ids=[c[0] for c in claimed]
    s=time.perf_counter(); db.execute('COMMIT'); T['commit_claim']+=time.perf_counter()-s; walp('claim')
    db.execute('BEGIN')
    for rid in ids:
        t('finish','UPDATE runs SET status = 4, lease_owner = NULL, due_at = NULL, finished_at = ?, output = NULL, error = NULL WHERE id = ? AND lease_owner = ? RETURNING parent_run_id, parent_step_id', now, rid, 'me')
    s=time.perf_counter(); db.execute('COMMIT'); T['commit_finish']+=time.perf_counter()-s; walp('finish')
    done+=len(ids)
    now+=1
m={r[1]:r[0] for r in db.execute('select name, pageno from dbstat')}
for ph,c in PG.items():
    byname=collections.Counter()
    for pg,n in c.items(): byname[m.get(pg,'?')]+=n
    print(ph, ' '.join('%s=%.3f'%(k,v/N) for k,v in byname.most_common()))
print('pages/run by phase', {k: round(v/4120/N,3) for k,v in P.items()})
print('wal MB', os.path.getsize(path+'-wal')/1e6, 'pages/run', os.path.getsize(path+'-wal')/4120/N)
tot=sum(T.values())
print(sys.argv[1], 'total us/run %.1f'%(tot/N*1e6), ' '.join('%s=%.1f'%(k,v/N*1e6) for k,v in sorted(T.items(), key=lambda x:-x[1])))
