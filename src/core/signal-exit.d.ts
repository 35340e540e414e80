// signal-exit 3 ships no types: the one call certops makes (file-lock.ts).
declare module 'signal-exit' {
  export default function onExit(callback: (code: number | null, signal: string | null) => void, options?: { alwaysLast?: boolean }): () => void;
}
