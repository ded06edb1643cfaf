// The Admin page (/console/admin, admins only): the agents (invite, role, skills, capacity, remove) and the
// per-type policy (AI mode, priority, wait target), and the team's canned replies. Loaded on open, on Refresh, and every 15 seconds while open
// (who is online changes).
import { useEffect } from 'preact/hooks';
import { agent } from './console-state.ts';
import { adminError, adminLoading, clearAdmin, loadAdmin } from './admin-state.ts';
import { AgentList, InviteAgent } from './AgentAdmin.tsx';
import { PolicyAdmin } from './PolicyAdmin.tsx';
import { CannedRepliesAdmin } from './CannedRepliesAdmin.tsx';

const REFRESH_MS = 15_000;

export function AdminPage() {
  const admin = agent.value?.role === 'admin';
  useEffect(() => {
    if (!admin) return;
    void loadAdmin();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void loadAdmin();
    }, REFRESH_MS);
    return () => {
      clearInterval(timer);
      clearAdmin();
    };
  }, [admin]);

  return (
    <main class="quality admin" aria-labelledby="admin-title">
      <div class="quality__head">
        <h2 id="admin-title" class="quality__title">
          Admin
        </h2>
        {admin && (
          <button type="button" class="secondary" disabled={adminLoading.value} onClick={() => void loadAdmin()}>
            Refresh
          </button>
        )}
      </div>
      {!agent.value ? (
        <p class="muted">Loading…</p>
      ) : !admin ? (
        <p class="alert">Only an admin can open this page. Ask an admin if you need to change agents or the policy.</p>
      ) : (
        <>
          {adminError.value && (
            <p class="alert" role="alert">
              {adminError.value}
            </p>
          )}
          <div class="admin__body">
            <AgentList />
            <InviteAgent />
            <PolicyAdmin />
            <CannedRepliesAdmin />
          </div>
        </>
      )}
    </main>
  );
}
