"use server";

import { redirect } from "next/navigation";
import { prisma } from "@/lib/db";
import { auth } from "@/lib/auth";

export async function archiveWithThrow(id: string) {
  const session = await auth();
  if (!session?.user) throw new Error("Unauthorized");
  await prisma.post.updateMany({ where: { id, authorId: session.user.id }, data: { archived: true } });
}

export async function archiveWithRedirect(id: string) {
  const session = await auth();
  if (!session) redirect("/login");
  await prisma.post.updateMany({ where: { id, authorId: session.user.id }, data: { archived: true } });
}

export async function archiveWithReturn(id: string) {
  const session = await auth();
  if (!session?.user?.id) {
    return { error: "Unauthorized" };
  }
  await prisma.post.updateMany({ where: { id, authorId: session.user.id }, data: { archived: true } });
  return { ok: true };
}
