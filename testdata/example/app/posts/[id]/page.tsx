import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const post = await prisma.post.findUnique({ where: { id }, select: { id: true, title: true } });

  async function publish(formData: FormData) {
    "use server";
    const user = await requireUser();
    await prisma.post.updateMany({ where: { id: formData.get("id") as string, authorId: user.id }, data: { title: "published" } });
  }

  return (
    <form action={publish}>
      <input type="hidden" name="id" value={post?.id} />
      <button>Publish</button>
    </form>
  );
}
