import { prisma } from "@/lib/db";

export default async function Page() {
  const posts = await prisma.post.findMany({ select: { id: true, title: true } });

  async function deletePost(formData: FormData) { // want "missing-auth"
    "use server";
    await prisma.post.delete({ where: { id: String(formData.get("id")) } });
  }

  return (
    <ul>
      {posts.map((p) => (
        <li key={p.id}>
          <form action={deletePost}>
            <input type="hidden" name="id" value={p.id} />
            <button>Delete {p.title}</button>
          </form>
        </li>
      ))}
    </ul>
  );
}
