import { prisma } from "@/lib/db";

export async function assertCanEdit(postId: string, userId: string) {
  const post = await prisma.post.findFirst({ where: { id: postId, authorId: userId }, select: { id: true } });
  if (!post) throw new Error("Forbidden");
}
