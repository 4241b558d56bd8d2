"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function publishPost(id: string) {
  await requireUser();
  await prisma.post.update({ where: { id }, data: { published: true } }); // want "missing-ownership"
}
