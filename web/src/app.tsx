// The shell: first version (the scaffold). Sign-in, router and views follow.
export function App() {
  return (
    <main>
      <h1>Aurora Time</h1>
    </main>
  );
}
