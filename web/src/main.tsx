/** The control UI's entry: a hash router over the four pages (docs/control-ui.md). */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { adoptTokenFromAddress } from "./api.ts";
import { JobList } from "./pages/job-list.tsx";
import { NewJob } from "./pages/new-job.tsx";
import { JobMonitor } from "./pages/job-monitor.tsx";
import { CallDetail } from "./pages/call-detail.tsx";
import "./style.css";

type Route =
  | { readonly page: "jobs" }
  | { readonly page: "new" }
  | { readonly page: "job"; readonly id: string }
  | { readonly page: "call"; readonly id: string; readonly call: number };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").split("?")[0] ?? "";
  const parts = path
    .split("/")
    .filter((part) => part !== "")
    .map(decodeURIComponent);
  if (parts[0] === "new") return { page: "new" };
  if (parts[0] === "jobs" && parts[1] !== undefined) {
    const callNumber = Number(parts[3]);
    if (parts[2] === "calls" && Number.isInteger(callNumber)) return { page: "call", id: parts[1], call: callNumber };
    return { page: "job", id: parts[1] };
  }
  return { page: "jobs" };
}

function App() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => {
      adoptTokenFromAddress();
      setHash(location.hash);
      document.getElementById("main")?.focus();
    };
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  const route = parseRoute(hash);
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          sipwright
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.page === "jobs" ? "page" : undefined}>
            Jobs
          </a>
          <a href="#/new" aria-current={route.page === "new" ? "page" : undefined}>
            New job
          </a>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === "jobs" && <JobList />}
        {route.page === "new" && <NewJob />}
        {route.page === "job" && <JobMonitor key={route.id} jobId={route.id} />}
        {route.page === "call" && (
          <CallDetail key={`${route.id}/${route.call}`} jobId={route.id} callNumber={route.call} />
        )}
      </main>
    </>
  );
}

adoptTokenFromAddress();
const root = document.getElementById("app");
if (root !== null) render(<App />, root);
